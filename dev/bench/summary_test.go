package main

import (
	"slices"
	"testing"
)

// TestSummaryRows checks every row of a complete run, in order: hello-world
// is the baseline and gets no row of its own, and only the authorizer's peak
// RSS is reported.
func TestSummaryRows(t *testing.T) {
	want := []row{
		{"authorizer non-I/O path, time", "4.32 µs/op", "≤ 10 µs", "met"},
		{"authorizer non-I/O path, allocations", "27 allocs/op (2345 B/op)", "≤ 40", "met"},
		{"authorizer non-I/O path with event decode and log line, time", "21.00 µs/op, 115 allocs/op", "≤ 30 µs", "met"},
		{"authorizer uncached verification ÷ bare SDK UpdateItem + Query", "1.10× (2.20 ms vs 2.00 ms)", "≤ 1.2×", "met"},
		{"user in 1 workspaces, cache on", "2.00 ms, 0.5 read units, policy 400 B (exact)", "", ""},
		{"user in 1000 workspaces, cache on", "30.00 ms, 25.5 read units, policy 300 B (overflow)", "", ""},
		{"user in 1000 workspaces, cache off", "2.50 ms, 2.0 read units, policy 500 B (request)", "≤ 2 read units", "met"},
		{"cold start init (exec→first next), AuthorizerFunction", "12.00 ms = 1.20× hello-world (10.00 ms)", "≤ 1.25× hello-world", "met"},
		{"cold start init (exec→first next), ConfigFunction", "11.00 ms = 1.10× hello-world (10.00 ms)", "", ""},
		{"binary size linux/arm64, AuthorizerFunction", "7.00 MiB = 1.40× hello-world (5.00 MiB)", "≤ 2× hello-world", "met"},
		{"peak RSS, authorizer, 1000 warm invocations", "20.0 MiB", "≤ 40 MB", "met"},
		{"DynamoDB calls, uncached Allow (cache off)", "2 (Query 1, UpdateItem 1)", "2", "met"},
		{"DynamoDB calls, missing header", "0 (none)", "0", "met"},
		{"trivial net/http server, concurrency 1 (the ceiling)", "10000 req/s, p50 0.09 ms, p99 0.30 ms", "", "0 errors"},
		{"gateway GET whoami, cache off, concurrency 1", "333 req/s = 0.03× the ceiling, p50 2.00 ms, p99 5.00 ms", "", "0 errors"},
		{"gateway GET whoami, cache on (300 s), concurrency 64", "3000 req/s = 0.15× the ceiling, p50 1.50 ms, p99 9.00 ms", "", "0 errors"},
		{"machine load during the run (1-minute load average)", "0.50 before, 1.25 highest, 0.75 after, on 8 cores (gateway, proxy and webhook cells excluded)", "≤ 8 (the cores)", "quiet"},
	}
	got := sampleResults(t).summary()
	if len(got) != len(want) {
		t.Fatalf("got %d rows %v, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

// loadFigure is the machine-load row, present whenever anything was timed.
const loadFigure = "machine load during the run (1-minute load average)"

// TestSummarySections checks which rows appear when sections were not run
// or when the hello-world baseline is missing (no ratio can be formed).
func TestSummarySections(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(r *results)
		want   []string // figures, in order
	}{
		{"nothing measured", func(r *results) { *r = results{} }, nil},
		{"only the Go benchmark", func(r *results) {
			r.cold, r.sizes, r.rss, r.calls, r.load = nil, nil, nil, nil, nil
			r.goBenchEvent, r.floor, r.scaling = nil, nil, nil
		}, []string{"authorizer non-I/O path, time", "authorizer non-I/O path, allocations", loadFigure}},
		{"no hello-world baseline", func(r *results) {
			r.goBench, r.rss, r.calls, r.load = nil, nil, nil, nil
			r.goBenchEvent, r.floor, r.scaling = nil, nil, nil
			r.cold = r.cold[1:]
			r.sizes = r.sizes[1:]
		}, nil},
		{"only the hello-world RSS", func(r *results) {
			r.goBench, r.cold, r.sizes, r.calls, r.load = nil, nil, nil, nil, nil
			r.goBenchEvent, r.floor, r.scaling = nil, nil, nil
			r.rss = r.rss[:1]
		}, nil},
		{"only gateway load", func(r *results) {
			r.goBench, r.cold, r.sizes, r.rss, r.calls = nil, nil, nil, nil, nil
			r.goBenchEvent, r.floor, r.scaling = nil, nil, nil
		}, []string{"trivial net/http server, concurrency 1 (the ceiling)", "gateway GET whoami, cache off, concurrency 1", "gateway GET whoami, cache on (300 s), concurrency 64", loadFigure}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := sampleResults(t)
			tt.mutate(r)
			var got []string
			for _, x := range r.summary() {
				got = append(got, x.Figure)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
