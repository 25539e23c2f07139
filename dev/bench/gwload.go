package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"keygate/dev/bench/load"
	"keygate/dev/reliability"
	"keygate/dev/testkit/faults"
)

// loadResult is one cell of the gateway throughput table.
type loadResult struct {
	// Target is what was loaded: "trivial server" (the ceiling), or the
	// gateway with the authorizer cache "off" or "on (300 s)".
	Target string
	load.Result
	// Ceiling is the trivial server's throughput at the same concurrency,
	// measured in the same run (0 for the trivial server's own cells).
	Ceiling float64
}

// Ratio is the cell's throughput as a fraction of the ceiling.
func (l loadResult) Ratio() float64 {
	if l.Ceiling == 0 {
		return 0
	}
	return l.Throughput / l.Ceiling
}

// trivialTarget names the ceiling's cells.
const trivialTarget = "trivial server"

// loadConcurrencies are the client counts of every target.
var loadConcurrencies = []int{1, 8, 64}

// buildLoadgen builds the load generator into dir.
func buildLoadgen(ctx context.Context, root, dir string) (string, error) {
	bin := filepath.Join(dir, "loadgen")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./dev/bench/loadgen")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build loadgen: %w\n%s", err, out)
	}
	return bin, nil
}

// loadCell runs one cell in the load generator's own process, so that the
// clients do not share a Go runtime (scheduler, GC) with the server.
func loadCell(ctx context.Context, bin, url, token string, c int, d time.Duration) (load.Result, error) {
	cmd := exec.CommandContext(ctx, bin, "-url", url, "-c", strconv.Itoa(c), "-d", d.String())
	cmd.Env = append(os.Environ(), "LOADGEN_TOKEN="+token)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return load.Result{}, fmt.Errorf("loadgen %s -c %d: %w", url, c, err)
	}
	var r load.Result
	if err := json.Unmarshal(out, &r); err != nil {
		return load.Result{}, fmt.Errorf("loadgen output %q: %w", out, err)
	}
	return r, nil
}

// startTrivialServer serves 200 {"ok":true} on loopback: the fastest any
// net/http server answers on this machine, the ceiling of the gateway's
// cells.
func startTrivialServer() (url string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"ok":true}`)
	})}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String() + "/", func() { _ = srv.Close() }, nil
}

// gatewayCells measures the trivial server and then the gateway with each
// cache setting at every concurrency, each cell d long in its own loadgen
// process, and gives each gateway cell its ceiling.
func gatewayCells(ctx context.Context, bin string, stacks []*cacheStack, token string, d time.Duration, progress func(string, ...any)) ([]loadResult, error) {
	url, stop, err := startTrivialServer()
	if err != nil {
		return nil, err
	}
	defer stop()
	ceiling := map[int]float64{}
	var out []loadResult
	for _, c := range loadConcurrencies {
		progress("gateway: %s, concurrency %d, %v", trivialTarget, c, d)
		r, err := loadCell(ctx, bin, url, "", c, d)
		if err != nil {
			return nil, err
		}
		ceiling[c] = r.Throughput
		out = append(out, loadResult{Target: trivialTarget, Result: r})
	}
	for _, cs := range stacks {
		for _, c := range loadConcurrencies {
			progress("gateway: cache %s, concurrency %d, %v", cs.name, c, d)
			r, err := loadCell(ctx, bin, cs.stack.URL+"/open/auth/whoami", token, c, d)
			if err != nil {
				return nil, err
			}
			out = append(out, loadResult{Target: "cache " + cs.name, Result: r, Ceiling: ceiling[c]})
		}
	}
	return out, nil
}

// callsResult is the DynamoDB calls of one kind of authorization.
type callsResult struct {
	Case   string
	Status int
	Calls  map[faults.Op]int
	Total  int
	Want   int
}

// cacheStack is a stack with one authorizer cache setting, whose
// authorizer's DynamoDB client counts its calls.
type cacheStack struct {
	name  string // the setting, as the gateway table shows it
	stack *reliability.Stack
	calls *faults.API
}

// startCacheStacks starts the two stacks the calls and gateway sections
// measure: the authorizer cache off, and on for 300 s.
func startCacheStacks(ctx context.Context, opts reliability.Options) (off, on *cacheStack, err error) {
	start := func(name string, ttl time.Duration) (*cacheStack, error) {
		counter := faults.Wrap(opts.API)
		o := opts
		o.AuthorizerAPI, o.CacheTTL = counter, ttl
		st, err := reliability.Start(ctx, o)
		if err != nil {
			return nil, err
		}
		return &cacheStack{name: name, stack: st, calls: counter}, nil
	}
	if off, err = start("off", -1); err != nil {
		return nil, nil, err
	}
	if on, err = start("on (300 s)", 300*time.Second); err != nil {
		off.stack.Close()
		return nil, nil, err
	}
	return off, on, nil
}

// countCalls sends one request per case through the stack of the case's
// cache setting and counts its authorizer's DynamoDB calls.
func countCalls(ctx context.Context, off, on *cacheStack, token, limitedToken, childToken string) ([]callsResult, error) {
	type kase struct {
		name     string
		stack    *cacheStack
		warm     bool
		header   string
		want     int
		wantCode int
	}
	cases := []kase{
		{"uncached Allow (cache off)", off, false, "Bearer " + token, 2, 200},
		{"cached Allow (cache on, second request)", on, true, "Bearer " + token, 0, 200},
		{"rate-limited key, first request (the limits' reset)", off, false, "Bearer " + limitedToken, 3, 200},
		{"rate-limited key, steady state", off, false, "Bearer " + limitedToken, 2, 200},
		// Limits follow the lineage: a key made by a limited key draws on
		// its limits too, one UpdateItem per limited ancestor.
		{"child of a limited key, first request", off, false, "Bearer " + childToken, 4, 200},
		{"child of a limited key, steady state", off, false, "Bearer " + childToken, 3, 200},
		{"malformed token", off, false, "Bearer sk_notakey", 0, 401},
		{"missing header", off, false, "", 0, 401},
	}
	var out []callsResult
	for _, k := range cases {
		send := func() (int, error) {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, k.stack.stack.URL+"/open/auth/whoami", nil)
			if k.header != "" {
				req.Header.Set("Authorization", k.header)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return 0, err
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return resp.StatusCode, nil
		}
		if k.warm {
			if _, err := send(); err != nil {
				return nil, err
			}
		}
		k.stack.calls.Reset()
		code, err := send()
		if err != nil {
			return nil, err
		}
		if code != k.wantCode {
			return nil, fmt.Errorf("%s: got status %d, want %d", k.name, code, k.wantCode)
		}
		calls := k.stack.calls
		out = append(out, callsResult{Case: k.name, Status: code, Calls: calls.Calls(), Total: calls.Total(), Want: k.want})
	}
	return out, nil
}
