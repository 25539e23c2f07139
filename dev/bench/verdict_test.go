package main

import (
	"testing"
	"time"
)

// TestVerdict checks the two verdict words.
func TestVerdict(t *testing.T) {
	for _, tt := range []struct {
		ok   bool
		want string
	}{{true, "met"}, {false, "MISSED"}} {
		if got := verdict(tt.ok); got != tt.want {
			t.Errorf("verdict(%v): got %q, want %q", tt.ok, got, tt.want)
		}
	}
}

// TestSummaryVerdicts moves one figure of an all-met run to either side of
// its target and checks that row's verdict: each target is inclusive.
func TestSummaryVerdicts(t *testing.T) {
	const (
		nsRow     = "authorizer non-I/O path, time"
		allocsRow = "authorizer non-I/O path, allocations"
		initRow   = "cold start init (exec→first next), AuthorizerFunction"
		sizeRow   = "binary size linux/arm64, AuthorizerFunction"
		rssRow    = "peak RSS, authorizer, 1000 warm invocations"
		callsRow  = "DynamoDB calls, uncached Allow (cache off)"
		loadRow   = "gateway GET whoami, cache off, concurrency 1"
		eventRow  = "authorizer non-I/O path with event decode and log line, time"
		floorRow  = "authorizer uncached verification ÷ bare SDK UpdateItem + Query"
	)
	tests := []struct {
		name   string
		mutate func(r *results)
		figure string
		want   string
	}{
		{"ns/op at the target", func(r *results) { r.goBench.NsPerOp = 10_000 }, nsRow, "met"},
		{"ns/op just over", func(r *results) { r.goBench.NsPerOp = 10_000.5 }, nsRow, "MISSED"},
		{"allocs at the target", func(r *results) { r.goBench.AllocsPerOp = 40 }, allocsRow, "met"},
		{"allocs over", func(r *results) { r.goBench.AllocsPerOp = 41 }, allocsRow, "MISSED"},
		{"slow ns/op does not miss allocs", func(r *results) { r.goBench.NsPerOp = 1e6 }, allocsRow, "met"},
		{"init at 1.25×", func(r *results) { r.cold[1].Init = 12500 * time.Microsecond }, initRow, "met"},
		{"init at 1.26×", func(r *results) { r.cold[1].Init = 12600 * time.Microsecond }, initRow, "MISSED"},
		{"slow first response does not miss init", func(r *results) { r.cold[1].FirstResponse = time.Second }, initRow, "met"},
		{"size at 2×", func(r *results) { r.sizes[1].Bytes = 10 << 20 }, sizeRow, "met"},
		{"size a byte over 2×", func(r *results) { r.sizes[1].Bytes = 10<<20 + 1 }, sizeRow, "MISSED"},
		{"RSS at 40 MB", func(r *results) { r.rss[1].PeakKB = 39062 }, rssRow, "met"},
		{"RSS a KiB over 40 MB", func(r *results) { r.rss[1].PeakKB = 39063 }, rssRow, "MISSED"},
		{"RSS at 40 MiB is over 40 MB", func(r *results) { r.rss[1].PeakKB = 40 * 1024 }, rssRow, "MISSED"},
		{"calls as expected", func(r *results) {}, callsRow, "met"},
		{"one call more", func(r *results) { r.calls[0].Total = 3 }, callsRow, "MISSED"},
		{"one call fewer", func(r *results) { r.calls[0].Total = 1 }, callsRow, "MISSED"},
		{"no gateway errors", func(r *results) {}, loadRow, "0 errors"},
		{"gateway errors", func(r *results) { r.load[1].Errors = 7 }, loadRow, "7 NON-200"},
		{"event path at 30 µs", func(r *results) { r.goBenchEvent.NsPerOp = 30_000 }, eventRow, "met"},
		{"event path over 30 µs", func(r *results) { r.goBenchEvent.NsPerOp = 30_001 }, eventRow, "MISSED"},
		{"floor at 1.2×", func(r *results) { r.floor.Authorizer = 2400 * time.Microsecond }, floorRow, "met"},
		{"floor over 1.2×", func(r *results) { r.floor.Authorizer = 2401 * time.Microsecond }, floorRow, "MISSED"},
		{"load at the core count is quiet", func(r *results) { r.loadMax = 8 }, loadFigure, "quiet"},
		{"load above the core count is busy", func(r *results) { r.loadMax = 8.01 }, loadFigure, "BUSY"},
		{"load after the run counts", func(r *results) { r.load2 = 9 }, loadFigure, "BUSY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := sampleResults(t)
			tt.mutate(r)
			if got := rowByFigure(t, r, tt.figure).Verdict; got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestSummaryOnlyAuthorizerHasInitTarget checks that the other functions'
// cold starts are reported without a target, so they can never miss.
func TestSummaryOnlyAuthorizerHasInitTarget(t *testing.T) {
	r := sampleResults(t)
	r.cold[2].Init = time.Second // ConfigFunction, 100× hello-world
	got := rowByFigure(t, r, "cold start init (exec→first next), ConfigFunction")
	if got.Target != "" || got.Verdict != "" {
		t.Errorf("got target %q verdict %q, want both empty", got.Target, got.Verdict)
	}
	if want := "1000.00 ms = 100.00× hello-world (10.00 ms)"; got.Value != want {
		t.Errorf("got value %q, want %q", got.Value, want)
	}
}
