package main

import (
	"context"
	"path/filepath"
	"time"

	"keygate/dev/bench/load"
	"keygate/dev/reliability"
)

// proxyResult is one cell of the HTTP_PROXY table: the same requests to
// the upstream directly and through the local gateway.
type proxyResult struct {
	Concurrency int
	Direct      load.Result
	Gateway     load.Result
}

// proxyConcurrencies are the client counts of the proxy table.
var proxyConcurrencies = []int{1, 8}

// measureProxy starts a stack whose upstream is the trivial server, with
// the authorizer cache on (300 s), and loads a workspace path on the
// upstream itself and through the gateway at each concurrency, each cell d
// long in its own loadgen process.
func measureProxy(ctx context.Context, root, dir string, f *fixture, opts reliability.Options, d time.Duration, progress func(string, ...any)) ([]proxyResult, error) {
	upstream, stop, err := startTrivialServer()
	if err != nil {
		return nil, err
	}
	defer stop()
	o := opts
	o.CacheTTL, o.UpstreamURL, o.SigningKeyFile = 300*time.Second, upstream[:len(upstream)-1], filepath.Join(dir, "signing-key.json")
	st, err := reliability.Start(ctx, o)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	bin, err := buildLoadgen(ctx, root, dir)
	if err != nil {
		return nil, err
	}
	path := "/open/workspace/" + f.alice.WorkspaceID + "/items"
	var out []proxyResult
	for _, c := range proxyConcurrencies {
		progress("proxy: upstream directly, concurrency %d, %v", c, d)
		direct, err := loadCell(ctx, bin, o.UpstreamURL+path, "", c, d)
		if err != nil {
			return nil, err
		}
		progress("proxy: through the gateway (cache on), concurrency %d, %v", c, d)
		gw, err := loadCell(ctx, bin, st.URL+path, f.alice.Token, c, d)
		if err != nil {
			return nil, err
		}
		out = append(out, proxyResult{Concurrency: c, Direct: direct, Gateway: gw})
	}
	return out, nil
}
