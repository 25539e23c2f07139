package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"keygate/authorizer"
	"keygate/dev/dynamolocal"
	"keygate/dev/gateway/inproc"
	"keygate/dev/lambdarun"
	"keygate/dev/reliability"
	"keygate/dev/samtemplate"
	"keygate/shared/apikey"
	"keygate/shared/keys"
	"keygate/shared/store"
)

// fixture is DynamoDB Local with a seeded table.
type fixture struct {
	endpoint string
	server   *dynamolocal.Server // nil when DYNAMODB_ENDPOINT was given
	client   *dynamodb.Client
	table    string
	alice    reliability.Principal
	// limitedToken is a second key of alice's, with a rate limit and a
	// quota far above what the bench sends (see startFixture).
	limitedToken string
	// childToken is a key made by the limited key: it draws on its
	// limits as well as its own (limits follow the lineage).
	childToken string
}

// startFixture starts DynamoDB Local (unless DYNAMODB_ENDPOINT is set),
// creates a table and seeds a user, a workspace and a key.
func startFixture(ctx context.Context) (*fixture, error) {
	f := &fixture{endpoint: os.Getenv("DYNAMODB_ENDPOINT")}
	if f.endpoint == "" {
		if _, err := dynamolocal.Install(ctx, os.Stderr); err != nil {
			return nil, err
		}
		s, err := dynamolocal.Start(ctx, dynamolocal.Options{})
		if err != nil {
			return nil, err
		}
		f.server, f.endpoint = s, s.Endpoint()
	}
	client, err := store.NewClient(ctx, store.ClientOptions{Endpoint: f.endpoint})
	if err != nil {
		f.stop()
		return nil, err
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	f.client, f.table = client, "keygate-bench-"+hex.EncodeToString(b[:])
	if err := store.CreateTable(ctx, client, f.table); err != nil {
		f.stop()
		return nil, fmt.Errorf("create table: %w", err)
	}
	f.alice, err = reliability.Seed(ctx, store.New(client, f.table), "alice", "")
	if err != nil {
		f.stop()
		return nil, err
	}
	gen, err := apikey.Generate(apikey.DefaultPrefix)
	if err != nil {
		f.stop()
		return nil, err
	}
	k := keys.NewKey(gen, "alice", "limited", keys.AllScopes, time.Now().UTC(), nil)
	// One request every 864 ms sustained: the rate limit stays current
	// (its arrival time ahead of now) between the calls section's two
	// requests however slow the machine, so the second is the steady
	// state, not a reset after idling. Far above what the bench sends.
	k.RateLimit = &keys.RateLimit{Limit: 100_000, Window: 24 * time.Hour, Burst: 1000}
	k.Quota = &keys.Quota{Limit: 1_000_000, Period: keys.QuotaDay}
	if err := store.New(client, f.table).CreateKey(ctx, k, nil); err != nil {
		f.stop()
		return nil, fmt.Errorf("seed limited key: %w", err)
	}
	f.limitedToken = gen.Token
	child, err := apikey.Generate(apikey.DefaultPrefix)
	if err != nil {
		f.stop()
		return nil, err
	}
	c := keys.NewKey(child, "alice", "child of limited", keys.AllScopes, time.Now().UTC(), nil)
	c.RateLimit, c.Quota, c.Draws = k.RateLimit, k.Quota, []string{k.ID}
	if err := store.New(client, f.table).CreateKey(ctx, c, nil); err != nil {
		f.stop()
		return nil, fmt.Errorf("seed child key: %w", err)
	}
	f.childToken = child.Token
	return f, nil
}

// stop ends the DynamoDB Local this fixture started, if any.
func (f *fixture) stop() {
	if f.server != nil {
		_ = f.server.Stop()
	}
}

// subjects returns the hello-world baseline and every function of the
// template, each with the environment the template gives it (pointed at
// DynamoDB Local) and an event that exercises its main path.
func (f *fixture) subjects(ctx context.Context, root string, tmpl *samtemplate.Template) ([]*subject, error) {
	authz := reliability.AuthorizerEvent(f.alice.Token)
	// The context the authorizer gives the functions, from the real one.
	resp, err := authorizer.New(store.New(f.client, f.table), authorizer.Config{}, nil).Handle(ctx, authz)
	if err != nil {
		return nil, fmt.Errorf("authorizer: %w", err)
	}
	authCtx := map[string]any{"principalId": resp.PrincipalID}
	for k, v := range resp.Context {
		authCtx[k] = v
	}
	proxy := func(path string) []byte {
		return jsonEvent(events.APIGatewayProxyRequest{
			Resource: path, Path: path, HTTPMethod: "GET",
			Headers:           map[string]string{"Accept": "application/json"},
			MultiValueHeaders: map[string][]string{"Accept": {"application/json"}},
			RequestContext: events.APIGatewayProxyRequestContext{
				AccountID: "123456789012", APIID: "keygatelcl", Stage: tmpl.Stage, HTTPMethod: "GET",
				ResourcePath: path, Path: "/" + tmpl.Stage + path, RequestID: "bench", Authorizer: authCtx,
			},
		})
	}
	event := map[string][]byte{
		"AuthorizerFunction": jsonEvent(authz),
		"IdentityFunction":   proxy("/open/auth/whoami"),
		"ApiKeysFunction":    proxy("/open/apikeys"),
		"ConfigFunction":     proxy("/open/global/config"),
		"JwksFunction":       proxy("/open/.well-known/jwks.json"),
		"WebhooksFunction":   proxy("/open/webhooks"),
	}
	ping, err := os.ReadFile(filepath.Join(root, "events", "webhookdelivery-ping-deleted-webhook.json"))
	if err != nil {
		return nil, err
	}
	event["WebhookDeliveryFunction"] = ping
	attempt, err := os.ReadFile(filepath.Join(root, "events", "webhookworker-deleted-webhook.json"))
	if err != nil {
		return nil, err
	}
	event["WebhookWorkerFunction"] = attempt
	used, err := os.ReadFile(filepath.Join(root, "events", "usageaggregator-key-created-and-used.json"))
	if err != nil {
		return nil, err
	}
	event["UsageAggregatorFunction"] = used
	out := []*subject{{ID: "hello", Pkg: helloPkg, Event: []byte(`{"hello":"world"}`)}}
	for _, id := range []string{"AuthorizerFunction", "ApiKeysFunction", "IdentityFunction", "ConfigFunction", "JwksFunction", "WebhooksFunction", "WebhookDeliveryFunction", "WebhookWorkerFunction", "UsageAggregatorFunction"} {
		env, err := inproc.Env(tmpl, id, f.table, f.endpoint, "us-east-1")
		if err != nil {
			return nil, err
		}
		env["LOG_LEVEL"] = "warn"
		pkg, err := lambdarun.PackageOf(id)
		if err != nil {
			return nil, err
		}
		out = append(out, &subject{ID: id, Pkg: pkg, Event: event[id], Env: env})
	}
	return out, nil
}
