package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"keygate/dev/demo"
	"keygate/dev/gateway"
	"keygate/dev/gateway/inproc"
	"keygate/shared/keys"
	"keygate/shared/lambdaenv"
	"keygate/shared/store"
)

// serve runs the local stack until ctx ends.
func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, sf := newFlagSet("localapi serve", stderr, filepath.Join(".local", "dynamodb"))
	addr := fs.String("addr", "127.0.0.1:3000", "listen address")
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn, error")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("-log-level: %w", err)
	}
	logger := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level}))

	t, err := sf.loadTemplate()
	if err != nil {
		return err
	}
	doc, err := sf.document()
	if err != nil {
		return err
	}
	// The port first: a second make run in the same clone must fail here,
	// before it touches the data the first one serves (its demo key).
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (is another make run still running?)", *addr, err)
	}
	defer ln.Close()
	endpoint, client, stopDB, err := sf.database(ctx, stderr)
	if err != nil {
		return err
	}
	defer stopDB()
	// SQS: goaws with the template's queues (the webhook worker's mapping
	// runs on them with dev/sqsmapping).
	sqsEndpoint, sqsQueues, stopSQS, err := queues(ctx, t, stderr)
	if err != nil {
		return err
	}
	defer stopSQS()

	// The demo key carries the prefix the ApiKeysFunction will check.
	env, err := inproc.Env(t, "ApiKeysFunction", sf.table, endpoint, region)
	if err != nil {
		return err
	}
	prefix, err := lambdaenv.Map(env).KeyPrefix()
	if err != nil {
		return err
	}
	st := store.New(client, sf.table)
	var api []keys.Scope
	if doc != nil {
		for _, name := range doc.ScopeNames() {
			api = append(api, keys.Scope(name))
		}
	}
	// With its own data folder, make run keeps the demo key across
	// restarts (beside the data, git-ignored); with -endpoint, a fresh one.
	seed := func() (demo.Seeded, error) { return demo.Seed(ctx, st, prefix, api...) }
	if sf.endpoint == "" {
		seed = func() (demo.Seeded, error) {
			return demo.SeedKept(ctx, st, prefix, filepath.Join(filepath.Dir(sf.data), "demo-key"), api...)
		}
	}
	seeded, err := seed()
	if err != nil {
		return err
	}
	if _, err := demo.SeedSamples(ctx, st); err != nil {
		return err
	}
	url := "http://" + ln.Addr().String()
	gw, err := inproc.New(ctx, inproc.Options{
		Template: t, Endpoint: endpoint, Table: sf.table, Region: region,
		GatewayLogger: logger, FunctionLogger: logger,
		// The identity assertion's key set, beside the DynamoDB data:
		// created on first use, git-ignored like it.
		SigningKeyFile: filepath.Join(filepath.Dir(sf.data), "signing-key.json"), Issuer: url, Document: doc,
	})
	if err != nil {
		return err
	}
	// Webhook deliveries: DynamoDB Local's stream and goaws's delivery
	// queue, each polled as Lambda's event-source mapping would, into the
	// fan-out and the worker.
	stopDeliveries, err := inproc.StartDeliveries(ctx, inproc.Options{
		Template: t, Endpoint: endpoint, Table: sf.table, Region: region, GatewayLogger: logger, FunctionLogger: logger,
	}, inproc.DeliveryOptions{SQSEndpoint: sqsEndpoint, Queues: sqsQueues})
	if err != nil {
		return err
	}
	defer stopDeliveries()
	srv := &http.Server{Handler: gw, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(gateway.GuardFraming(ln)) }()

	link, err := demo.ConsoleLink(ctx, st, prefix, url)
	if err != nil {
		return err
	}
	logger.Info("local API Gateway ready", "url", url, "stage", t.Stage, "routes", len(t.Routes),
		"authorizerTtlSeconds", t.Authorizer.TTLSeconds, "dynamodb", endpoint, "table", sf.table,
		"demoUser", seeded.UserID, "demoKeyId", seeded.KeyID, "sqs", sqsEndpoint, "queues", len(sqsQueues))
	fmt.Fprintf(stdout, "KEYGATE_URL=%s\nKEYGATE_API_KEY=%s\nKEYGATE_WORKSPACE_ID=%s\n", url, seeded.Token, seeded.WorkspaceID)
	fmt.Fprintf(stdout, "KEYGATE_CONSOLE=%s/open/console\n", url)
	if up := t.Parameters["UpstreamUrl"].Value; up != "" {
		fmt.Fprintf(stdout, "# upstream: %s/open/workspace/%s/... -> %s/open/workspace/%s/... (X-Keygate-Assertion keys: %s/open/.well-known/jwks.json)\n",
			url, seeded.WorkspaceID, up, seeded.WorkspaceID, url)
	}
	if doc != nil {
		var api, public []string
		for _, name := range doc.ScopeNames() {
			if !keys.Scope(name).Valid() { // a document may require keygate's own scopes
				api = append(api, name)
			}
		}
		for _, op := range doc.Public() {
			public = append(public, op.Method+" "+op.Path)
		}
		fmt.Fprintf(stdout, "# %s (%s): %d operations checked; keys may hold its scopes: %s\n", doc.Title, sf.openapi, len(doc.Operations), strings.Join(api, " "))
		if len(public) > 0 {
			fmt.Fprintf(stdout, "# its public operations (no key needed): %s\n", strings.Join(public, ", "))
		}
	}
	fmt.Fprintf(stdout, "# the API Keys page, a link that signs %s in once (within 15 minutes): %s\n", seeded.UserID, link)
	fmt.Fprintf(stdout, "curl -H \"Authorization: Bearer %s\" %s/open/auth/whoami\n", seeded.Token, url)
	fmt.Fprintf(stdout, "# admin CLI on the same data: go run ./cmd/keygate --endpoint %s --table %s key ls %s\n",
		endpoint, sf.table, seeded.UserID)

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
