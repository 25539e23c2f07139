package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"keygate/shared/apidoc"
	"keygate/shared/apidoc/compile"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"keygate/dev/dynamolocal"
	"keygate/dev/samtemplate"
	"keygate/shared/store"
)

var (
	// errUsage is returned after the flag package printed the problem.
	errUsage = errors.New("usage")
	// errFunction is returned when an invoked function failed (already printed).
	errFunction = errors.New("function failed")
)

// defaultTable is the table name of the local stack.
const defaultTable = "keygate-local"

// region is AWS_REGION of the local stack's functions.
const region = "us-east-1"

// params collects repeated -param Name=Value flags.
type params map[string]string

func (p params) String() string { return fmt.Sprint(map[string]string(p)) }

func (p params) Set(v string) error {
	k, val, ok := strings.Cut(v, "=")
	if !ok || k == "" {
		return fmt.Errorf("want Name=Value, got %q", v)
	}
	p[k] = val
	return nil
}

// stackFlags are the flags serve and invoke share.
type stackFlags struct {
	template string
	data     string
	endpoint string
	table    string
	params   params
	openapi  string
}

// newFlagSet returns subcommand name's flag set, reporting to stderr, with
// the stack flags registered on it.
func newFlagSet(name string, stderr io.Writer, defaultData string) (*flag.FlagSet, *stackFlags) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	f := &stackFlags{params: params{}}
	fs.StringVar(&f.template, "template", "template.yaml", "SAM template to read")
	fs.StringVar(&f.data, "data", defaultData, "DynamoDB Local data folder (kept between runs)")
	fs.StringVar(&f.endpoint, "endpoint", os.Getenv("DYNAMODB_ENDPOINT"), "use this DynamoDB endpoint instead of starting DynamoDB Local (default $DYNAMODB_ENDPOINT)")
	fs.StringVar(&f.table, "table", defaultTable, "table name")
	fs.Var(f.params, "param", "template parameter override Name=Value (repeatable), e.g. AuthorizerCacheTtl=300")
	fs.StringVar(&f.openapi, "openapi", "", "the team's OpenAPI 3.0/3.1 document (YAML or JSON): its scopes, which keys may hold")
	return fs, f
}

// document compiles the -openapi document (nil without one); its problems
// come back together, each naming its operation.
func (f *stackFlags) document() (*apidoc.Document, error) {
	if f.openapi == "" {
		return nil, nil
	}
	b, err := os.ReadFile(f.openapi)
	if err != nil {
		return nil, err
	}
	d, err := compile.Compile(b, compile.Options{})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.openapi, err)
	}
	return &d, nil
}

// loadTemplate reads the template with the parameter overrides and the
// table name.
func (f *stackFlags) loadTemplate() (*samtemplate.Template, error) {
	overrides := map[string]string{"KeysTable": f.table}
	for k, v := range f.params {
		overrides[k] = v
	}
	data, err := os.ReadFile(f.template)
	if err != nil {
		return nil, err
	}
	// With the team's document, the template as make build composes it:
	// its operations in the API, behind their authorizer.
	doc, err := f.document()
	if err != nil {
		return nil, err
	}
	if doc != nil {
		if data, err = compile.ComposeTemplate(data, *doc); err != nil {
			return nil, fmt.Errorf("%s with %s: %w", f.template, f.openapi, err)
		}
	}
	return samtemplate.Parse(data, overrides)
}

// database returns the DynamoDB endpoint, starting DynamoDB Local with the
// data folder when none is given, and makes sure the table exists. stop
// stops what it started.
func (f *stackFlags) database(ctx context.Context, log io.Writer) (endpoint string, client *dynamodb.Client, stop func(), err error) {
	stop = func() {}
	endpoint = f.endpoint
	if endpoint == "" {
		dir, err := filepath.Abs(f.data)
		if err != nil {
			return "", nil, stop, err
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", nil, stop, err
		}
		if _, ok := dynamolocal.Installed(); !ok {
			fmt.Fprintln(log, "installing DynamoDB Local (once)...")
			if _, err := dynamolocal.Install(ctx, log); err != nil {
				return "", nil, stop, err
			}
		}
		// The port of the last start, kept beside the data: the endpoint
		// make run prints stays the same across restarts while it is free.
		portFile := dir + ".port"
		prev, _ := os.ReadFile(portFile)
		port, _ := strconv.Atoi(strings.TrimSpace(string(prev)))
		srv, err := dynamolocal.Start(ctx, dynamolocal.Options{DataDir: dir, Port: port})
		if err != nil {
			return "", nil, stop, fmt.Errorf("start DynamoDB Local: %w", err)
		}
		if u, err := url.Parse(srv.Endpoint()); err == nil {
			_ = os.WriteFile(portFile, []byte(u.Port()+"\n"), 0o644)
		}
		stop = func() { _ = srv.Stop() }
		endpoint = srv.Endpoint()
	}
	c, err := store.NewClient(ctx, store.ClientOptions{Endpoint: endpoint})
	if err != nil {
		stop()
		return "", nil, func() {}, err
	}
	tctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if _, err := store.EnsureTable(tctx, c, f.table); err != nil {
		stop()
		if f.endpoint != "" && f.endpoint == os.Getenv("DYNAMODB_ENDPOINT") {
			return "", nil, func() {}, fmt.Errorf("DynamoDB at %s, from DYNAMODB_ENDPOINT in your environment (an earlier make run's?): %w; unset it and make run starts its own", f.endpoint, err)
		}
		return "", nil, func() {}, fmt.Errorf("table %s at %s: %w", f.table, endpoint, err)
	}
	// A table kept in the data folder from before webhooks has no stream:
	// add it as template.yaml declares it, so deliveries work.
	if err := ensureStream(tctx, c, f.table); err != nil {
		stop()
		return "", nil, func() {}, err
	}
	return endpoint, c, stop, nil
}

// ensureStream turns on the table's stream (store.StreamView) when it is off
// and waits until it has an ARN.
func ensureStream(ctx context.Context, c *dynamodb.Client, table string) error {
	for added := false; ; {
		out, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)})
		if err != nil {
			return fmt.Errorf("describe table %s: %w", table, err)
		}
		if aws.ToString(out.Table.LatestStreamArn) != "" {
			return nil
		}
		if !added {
			if _, err := c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String(table),
				StreamSpecification: store.TableDefinition(table).StreamSpecification}); err != nil {
				return fmt.Errorf("enable the stream of %s: %w", table, err)
			}
			added = true
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}
