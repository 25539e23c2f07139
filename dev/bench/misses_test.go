package main

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestMissesNoneWhenMet checks that an all-met run explains nothing.
func TestMissesNoneWhenMet(t *testing.T) {
	if got := sampleResults(t).misses(); len(got) != 0 {
		t.Errorf("got %q, want no misses", got)
	}
}

// TestMisses checks the item written for each kind of miss: the figure in
// bold, its value and target, then the explanation of why.
func TestMisses(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(r *results)
		prefix string   // the whole item up to the explanation
		why    []string // parts of the explanation
	}{
		{"time", func(r *results) { r.goBench.NsPerOp = 12_345 },
			"**authorizer non-I/O path, time**: 12.35 µs/op (target ≤ 10 µs). ",
			[]string{"1-minute load average 0.5 to 0.8 on 8 cores", "-cpuprofile cpu.out"}},
		{"binary size", func(r *results) { r.sizes[1].Bytes = 15 << 20 },
			"**binary size linux/arm64, AuthorizerFunction**: 15.00 MiB = 3.00× hello-world (5.00 MiB) (target ≤ 2× hello-world). ",
			[]string{"AWS SDK for Go v2"}},
		{"peak RSS", func(r *results) { r.rss[1].PeakKB = 51200 },
			"**peak RSS, authorizer, 1000 warm invocations**: 50.0 MiB (target ≤ 40 MB). ",
			[]string{"See the peak memory section."}},
		{"cold start, with the init traces", func(r *results) { r.cold[1].Init = 15 * time.Millisecond },
			"**cold start init (exec→first next), AuthorizerFunction**: 15.00 ms = 1.50× hello-world (10.00 ms) (target ≤ 1.25× hello-world). ",
			[]string{
				"of the 5.0 ms between the two medians, Go package initialisation before main accounts for about 2.0 ms (3.0 ms in 300 packages against hello-world's 1.0 ms in 50), 1.5 ms of it in service/dynamodb's own packages",
				"ConfigFunction, which links everything of keygate's but the SDK (net/http, the API Gateway proxy adapter, the error envelope), measures 1.10× here (1.5 ms package init)",
				"below v1.69.0",
				"paid once per execution environment",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := sampleResults(t)
			tt.mutate(r)
			got := r.misses()
			if len(got) != 1 {
				t.Fatalf("got %d misses %q, want 1", len(got), got)
			}
			if !strings.HasPrefix(got[0], tt.prefix) {
				t.Errorf("got %q, want it to start with %q", got[0], tt.prefix)
			}
			mustContain(t, got[0], tt.why...)
		})
	}
}

// TestWhyColdStartWithoutTraces checks that the cold-start explanation
// leaves out the measured breakdown when there are no init traces.
func TestWhyColdStartWithoutTraces(t *testing.T) {
	r := sampleResults(t)
	r.inits = nil
	got := r.why("cold start init (exec→first next), AuthorizerFunction")
	if !strings.HasPrefix(got, "The gap is the AWS SDK for Go v2's DynamoDB client, which the authorizer links to make its two calls. ") {
		t.Errorf("got %q, want the plain explanation first", got)
	}
	mustNotContain(t, got, "between the two medians", "ConfigFunction, which links")
	// Nothing was measured to explain the gap with, so no figure may appear:
	// every figure in the report comes from this run.
	if f := figureRE.FindString(got); f != "" {
		t.Errorf("got figure %q in %q, want none without init traces", f, got)
	}
}

// figureRE matches a figure with its unit, e.g. "1.89×" or "4.6 ms".
var figureRE = regexp.MustCompile(`\d+(\.\d+)?\s*(×|ms|µs|MiB|KiB|%)`)

// TestWhyQuotesOnlyMeasuredFigures checks that every figure in the
// explanations of misses is one of the run's: the sample run's figures are
// all known, so any other number was written into the code, not measured.
func TestWhyQuotesOnlyMeasuredFigures(t *testing.T) {
	r := sampleResults(t)
	r.cold[1].Init = 15 * time.Millisecond
	r.goBench.NsPerOp = 12_345
	r.sizes[1].Bytes = 15 << 20
	measured := []string{
		"5.0 ms", "2.0 ms", "3.0 ms", "1.0 ms", "1.5 ms", "1.10×", // cold start and init traces
		"15.00 ms", "10.00 ms", "1.50×", "1.25×", // the row itself
		"12.35 µs", "10 µs", // the time row
		"15.00 MiB", "5.00 MiB", "3.00×", "2×", // the size row
	}
	for _, m := range r.misses() {
		for _, f := range figureRE.FindAllString(m, -1) {
			if !slices.Contains(measured, f) {
				t.Errorf("miss %q quotes %q, which this run did not measure", m[:min(len(m), 60)], f)
			}
		}
	}
}

// TestWhyUnknownFigure checks that a figure without an explanation gets none.
func TestWhyUnknownFigure(t *testing.T) {
	for _, f := range []string{"", "something else"} {
		if got := sampleResults(t).why(f); got != "" {
			t.Errorf("why(%q): got %q, want \"\"", f, got)
		}
	}
}

// TestWhyEveryMissableFigure checks that each figure that can miss its
// target is explained, and the allocation row not with the timing text.
func TestWhyEveryMissableFigure(t *testing.T) {
	tests := []struct {
		figure, want string
	}{
		{"authorizer non-I/O path, time", "moves with the machine's load"},
		{"authorizer non-I/O path, allocations", "do not depend on the machine's load"},
		{"DynamoDB calls, uncached Allow (cache off)", "calls section"},
		{"gateway GET whoami, cache off, concurrency 1", "gateway section"},
		{"peak RSS, authorizer, 1000 warm invocations", "peak memory section"},
	}
	for _, tt := range tests {
		t.Run(tt.figure, func(t *testing.T) {
			if got := sampleResults(t).why(tt.figure); !strings.Contains(got, tt.want) {
				t.Errorf("got %q, want it to contain %q", got, tt.want)
			}
		})
	}
}
