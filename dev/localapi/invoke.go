package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"keygate/dev/demo"
	"keygate/dev/gateway/inproc"
	"keygate/dev/lambdarun"
	"keygate/dev/modroot"
	"keygate/dev/samtemplate"
	"keygate/shared/store"
)

// invoke builds a function's bootstrap, runs it under the Runtime API
// harness with one event and prints the response.
func invoke(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, sf := newFlagSet("localapi invoke", stderr, filepath.Join(".local", "invoke"))
	fnID := fs.String("function", "", "function logical ID, e.g. AuthorizerFunction")
	eventPath := fs.String("event", "", "event JSON file ('-' for stdin)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if *fnID == "" || *eventPath == "" {
		fmt.Fprintln(stderr, "usage: localapi invoke -function <LogicalId> -event <file>")
		return errUsage
	}
	event, err := readEvent(*eventPath)
	if err != nil {
		return err
	}
	t, err := sf.loadTemplate()
	if err != nil {
		return err
	}
	fn, ok := t.Functions[*fnID]
	if !ok {
		return fmt.Errorf("template %s has no function %q: want one of %s", sf.template, *fnID, strings.Join(slices.Sorted(maps.Keys(t.Functions)), ", "))
	}
	pkg, err := lambdarun.PackageOf(*fnID)
	if err != nil {
		return err
	}
	root, err := modroot.Find()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "keygate-invoke-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin, err := lambdarun.Build(ctx, root, pkg, dir)
	if err != nil {
		return err
	}

	endpoint := sf.endpoint
	if usesDynamoDB(fn.Policies) {
		ep, client, stopDB, err := sf.database(ctx, stderr)
		if err != nil {
			return err
		}
		defer stopDB()
		endpoint = ep
		// Every sample in events/ acts on these; reset them so it does
		// what its name says however often it runs.
		if _, err := demo.SeedSamples(ctx, store.New(client, sf.table)); err != nil {
			return err
		}
	}
	env, err := inproc.Env(t, *fnID, sf.table, endpoint, region)
	if err != nil {
		return err
	}
	rt, err := lambdarun.Start(ctx, lambdarun.Config{
		Bootstrap: bin, FunctionName: *fnID, Env: env, Region: region,
		Timeout: time.Duration(fn.Timeout) * time.Second, MemoryMB: fn.MemorySize,
		Stdout: stderr, Stderr: stderr,
	})
	if err != nil {
		return err
	}
	defer rt.Stop()
	resp, err := rt.Invoke(ctx, event)
	if err != nil {
		return err
	}
	tm := rt.Timings()
	fmt.Fprintf(stderr, "REPORT RequestId: %s\tDuration: %.2f ms\tInit Duration: %.2f ms\n",
		resp.RequestID, ms(resp.Duration), ms(tm.Init))
	if resp.Err != nil {
		b, _ := json.Marshal(resp.Err)
		fmt.Fprintln(stdout, string(b))
		return errFunction
	}
	fmt.Fprintln(stdout, string(resp.Payload))
	return nil
}

// usesDynamoDB reports whether a function's policies grant any DynamoDB
// action: only then does invoke need a database.
func usesDynamoDB(statements []samtemplate.Statement) bool {
	for _, s := range statements {
		for _, a := range s.Actions {
			if strings.HasPrefix(strings.ToLower(a), "dynamodb:") {
				return true
			}
		}
	}
	return false
}

func readEvent(path string) ([]byte, error) {
	var b []byte
	var err error
	if path == "-" {
		b, err = io.ReadAll(os.Stdin)
	} else {
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, err
	}
	if !json.Valid(b) {
		return nil, fmt.Errorf("%s: not valid JSON", path)
	}
	return b, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
