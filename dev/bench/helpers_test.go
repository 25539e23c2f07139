package main

import (
	"strings"
	"testing"
	"time"

	"keygate/dev/bench/load"
	"keygate/dev/testkit/faults"
)

// sampleResults is a complete run in which every target is met: the
// authorizer at 1.20× hello-world init and 1.40× its size, 20 MiB peak RSS,
// the expected DynamoDB calls and no failed gateway requests.
func sampleResults(tb testing.TB) *results {
	tb.Helper()
	return &results{
		cfg:     config{launches: 60, invocations: 1000, cell: 3 * time.Second},
		machine: machine{CPU: "Test CPU 9000", Cores: 8, GoVersion: "go1.26.8", OS: "linux/amd64", Date: "2025-01-02 03:04 UTC"},
		took:    95 * time.Second,
		load1:   0.5,
		load2:   0.75,
		goBench: &goBench{
			Name: "BenchmarkAuthorizeNonIO", NsPerOp: 4321, AllocsPerOp: 27, BytesPerOp: 2345, Runs: 5,
			Command: "go test -run '^$' -bench '^BenchmarkAuthorizeNonIO$' -benchmem -count 5 ./authorizer/",
		},
		sizes: []sizeResult{{"hello", 5 << 20}, {"AuthorizerFunction", 7 << 20}},
		cold: []coldResult{
			{ID: "hello", Launches: 60, Init: 10 * time.Millisecond, FirstResponse: 12 * time.Millisecond},
			{ID: "AuthorizerFunction", Launches: 60, Init: 12 * time.Millisecond, FirstResponse: 24 * time.Millisecond},
			{ID: "ConfigFunction", Launches: 60, Init: 11 * time.Millisecond, FirstResponse: 18 * time.Millisecond},
		},
		inits: []initTrace{
			{ID: "hello", Packages: 50, TotalMs: 1.0},
			{ID: "AuthorizerFunction", Packages: 300, TotalMs: 3.0, DynamoMs: 1.5, Top: []pkgInit{{"github.com/aws/aws-sdk-go-v2/service/dynamodb", 1.5, 200}}},
			{ID: "ConfigFunction", Packages: 120, TotalMs: 1.5},
		},
		rss: []rssResult{{"hello", 1000, 15000}, {"AuthorizerFunction", 1000, 20480}},
		calls: []callsResult{
			{Case: "uncached Allow (cache off)", Status: 200, Calls: map[faults.Op]int{faults.OpUpdateItem: 1, faults.OpQuery: 1}, Total: 2, Want: 2},
			{Case: "missing header", Status: 401, Total: 0, Want: 0},
		},
		goBenchEvent: &goBench{
			Name: "BenchmarkAuthorizeNonIOWithEvent", NsPerOp: 21000, AllocsPerOp: 115, BytesPerOp: 6800, Runs: 5,
			Command: "go test -run '^$' -bench '^BenchmarkAuthorizeNonIOWithEvent$' -benchmem -count 5 ./authorizer/",
		},
		floor: &floorResult{Rounds: 2000, SDK: 2 * time.Millisecond, Authorizer: 2200 * time.Microsecond},
		scaling: []scalingResult{
			{Workspaces: 1, Cache: "on", Runs: 200, Authorizer: 2 * time.Millisecond, ReadUnits: 0.5, PolicyBytes: 400, Bytes: 900, Mode: "exact"},
			{Workspaces: 1000, Cache: "on", Runs: 50, Authorizer: 30 * time.Millisecond, ReadUnits: 25.5, PolicyBytes: 300, Bytes: 1200, Mode: "overflow"},
			{Workspaces: 1000, Cache: "off", Runs: 200, Authorizer: 2500 * time.Microsecond, ReadUnits: 2, PolicyBytes: 500, Bytes: 900, Mode: "request"},
		},
		loadMax: 1.25,
		load: []loadResult{
			{Target: trivialTarget, Result: load.Result{Concurrency: 1, Requests: 100000, Throughput: 10000, P50: 90 * time.Microsecond, P99: 300 * time.Microsecond}},
			{Target: "cache off", Result: load.Result{Concurrency: 1, Requests: 1000, Throughput: 333.3, P50: 2 * time.Millisecond, P99: 5 * time.Millisecond}, Ceiling: 10000},
			{Target: "cache on (300 s)", Result: load.Result{Concurrency: 64, Requests: 9000, Throughput: 3000, P50: 1500 * time.Microsecond, P99: 9 * time.Millisecond}, Ceiling: 20000},
		},
	}
}

// mustContain fails unless s contains every one of subs.
func mustContain(tb testing.TB, s string, subs ...string) {
	tb.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			tb.Errorf("output lacks %q", sub)
		}
	}
}

// mustNotContain fails if s contains any of subs.
func mustNotContain(tb testing.TB, s string, subs ...string) {
	tb.Helper()
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			tb.Errorf("output unexpectedly contains %q", sub)
		}
	}
}

// rowByFigure returns the summary row of a figure.
func rowByFigure(tb testing.TB, r *results, figure string) row {
	tb.Helper()
	for _, x := range r.summary() {
		if x.Figure == figure {
			return x
		}
	}
	tb.Fatalf("no summary row %q", figure)
	return row{}
}
