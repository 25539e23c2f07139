package main

import (
	"fmt"
	"strings"
	"testing"
)

// section returns the text of a "## " section of a Markdown document, up to
// the next one, or fails.
func section(tb testing.TB, doc, heading string) string {
	tb.Helper()
	start := strings.Index(doc, "\n## "+heading+"\n")
	if start < 0 {
		tb.Fatalf("no section %q in:\n%s", heading, doc)
	}
	rest := doc[start+1:]
	if end := strings.Index(rest[3:], "\n## "); end >= 0 {
		return rest[:end+4]
	}
	return rest
}

// TestMarkdownSummaryRows checks that every summary row appears as a line of
// the Summary table.
func TestMarkdownSummaryRows(t *testing.T) {
	r := sampleResults(t)
	sum := section(t, r.markdown(), "Summary")
	for _, x := range r.summary() {
		line := fmt.Sprintf("\n| %s | %s | %s | %s |\n", x.Figure, x.Value, x.Target, x.Verdict)
		if !strings.Contains(sum, line) {
			t.Errorf("Summary lacks row %q", line)
		}
	}
	if got, want := strings.Count(sum, "\n| "), len(r.summary())+1; got != want {
		t.Errorf("got %d table lines in Summary, want %d (header and one per row)", got, want)
	}
}

// TestMarkdownReproduce checks that each section names the command that
// reproduces it, with this run's settings.
func TestMarkdownReproduce(t *testing.T) {
	tests := []struct {
		section string
		want    string
	}{
		{"Authorizer, non-I/O path", "Reproduce: `go test -run '^$' -bench '^BenchmarkAuthorizeNonIO$' -benchmem -count 5 ./authorizer/`"},
		{"Cold start", "Reproduce: `go run ./dev/bench -only coldstart -launches 60`"},
		{"Cold start", "Reproduce: `GODEBUG=inittrace=1 AWS_LAMBDA_RUNTIME_API=127.0.0.1:1 TABLE_NAME=t ./bootstrap` on a host build."},
		{"Binary sizes", "&& stat -c %s /tmp/bootstrap` (and `./dev/bench/hello`), or `go run ./dev/bench -only size`."},
		{"Peak memory", "Reproduce: `go run ./dev/bench -only rss -invocations 1000`"},
		{"DynamoDB calls per authorization", "Reproduce: `go run ./dev/bench -only calls`"},
		{"Through the local API Gateway", "Reproduce: `go run ./dev/bench -only gateway -duration 3s`"},
	}
	doc := sampleResults(t).markdown()
	for _, tt := range tests {
		t.Run(tt.section, func(t *testing.T) {
			mustContain(t, section(t, doc, tt.section), tt.want)
		})
	}
}

// TestMarkdownFigures checks the detail tables' figures of the sample run.
func TestMarkdownFigures(t *testing.T) {
	doc := sampleResults(t).markdown()
	mustContain(t, doc,
		"Machine: Test CPU 9000, 8 cores, linux/amd64, go1.26.8. Measured 2025-01-02 03:04 UTC; the run took 1m35s. 1-minute load average 0.50 before, 1.25 at its highest (sampled every 5 s) and 0.75 at the end of the timed sections, on 8 cores: a quiet run",
		"| 21000 | 6800 | 115 |",
		"The decode and the log line cost 16.68 µs and 88 allocations of it: 4.9× the path without them.",
		"| 2.00 ms | 2.20 ms | 1.10× |",
		"| 1000 | on | 50 | 30.00 ms | 25.5 | 300 B | 1200 B | overflow |", "| 1000 | off | 200 | 2.50 ms | 2.0 | 500 B | 900 B | request |",
		"median of 5 runs",
		"| 4321 | 2345 | 27 |",
		"The median of 5 runs (`-count 5`).",
		"is launched 60 times under",
		"| hello | 10.00 ms | 1.00 | 12.00 ms | 1.00 |",
		"| AuthorizerFunction | 12.00 ms | 1.20 | 24.00 ms | 2.00 |",
		"| AuthorizerFunction | 300 | 3.0 ms | github.com/aws/aws-sdk-go-v2/service/dynamodb 1.50 ms (200 KiB) |",
		"| hello | 5242880 | 5.00 | 1.00 |",
		"| AuthorizerFunction | 7340032 | 7.00 | 1.40 |",
		"| AuthorizerFunction | 1000 | 20.0 MiB |",
		"| uncached Allow (cache off) | 200 | 2 | Query 1, UpdateItem 1 | 2 |",
		"| missing header | 401 | 0 | none | 0 |",
		"| trivial server | 1 | 100000 | 0 | 10000 | — | 0.09 ms | 0.30 ms |",
		"| cache off | 1 | 1000 | 0 | 333 | 0.033 | 2.00 ms | 5.00 ms |",
		"| cache on (300 s) | 64 | 9000 | 0 | 3000 | 0.150 | 1.50 ms | 9.00 ms |",
		"for 3s per cell",
		"share the machine's 8 cores",
	)
	mustNotContain(t, doc, "%!", "NaN", "Inf", "(DynamoDB Local)")
}

// TestMarkdownJava checks that the Java version is named only when known.
func TestMarkdownJava(t *testing.T) {
	r := sampleResults(t)
	r.machine.Java = `openjdk version "21.0.2" 2024-01-16`
	mustContain(t, r.markdown(), `go1.26.8, openjdk version "21.0.2" 2024-01-16 (DynamoDB Local). Measured`)
}

// TestMarkdownTargetsMissed checks that a missed target is listed under
// "Targets missed", between the Summary and the detail sections, and that
// the section is absent when every target is met.
func TestMarkdownTargetsMissed(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(r *results)
		want   []string // bold figures listed
	}{
		{"all met", func(r *results) {}, nil},
		{"slow authorizer", func(r *results) { r.goBench.NsPerOp = 12_000 }, []string{"authorizer non-I/O path, time"}},
		{"big binary and high RSS", func(r *results) { r.sizes[1].Bytes = 11 << 20; r.rss[1].PeakKB = 50_000 },
			[]string{"binary size linux/arm64, AuthorizerFunction", "peak RSS, authorizer, 1000 warm invocations"}},
		{"gateway errors", func(r *results) { r.load[2].Errors = 2 }, []string{"gateway GET whoami, cache on (300 s), concurrency 64"}},
		{"busy machine", func(r *results) { r.loadMax = 9 }, []string{loadFigure}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := sampleResults(t)
			tt.mutate(r)
			doc := r.markdown()
			if len(tt.want) == 0 {
				mustNotContain(t, doc, "## Targets missed", "MISSED")
				return
			}
			missed := section(t, doc, "Targets missed")
			if got := strings.Count(missed, "\n- **"); got != len(tt.want) {
				t.Errorf("got %d items under Targets missed, want %d:\n%s", got, len(tt.want), missed)
			}
			for _, f := range tt.want {
				mustContain(t, missed, "\n- **"+f+"**: ")
			}
			sum, az := strings.Index(doc, "## Summary"), strings.Index(doc, "## Authorizer, non-I/O path")
			if at := strings.Index(doc, "## Targets missed"); at < sum || at > az {
				t.Errorf("got Targets missed at %d, want between Summary (%d) and the first detail section (%d)", at, sum, az)
			}
		})
	}
}

// TestMarkdownOmitsUnmeasured checks that a section not run leaves no
// heading behind, while the title and the reliability note always remain.
func TestMarkdownOmitsUnmeasured(t *testing.T) {
	r := &results{cfg: config{launches: 20}}
	doc := r.markdown()
	if !strings.HasPrefix(doc, "# keygate benchmarks\n\n") {
		t.Errorf("got document starting %q, want the title", doc[:min(len(doc), 40)])
	}
	mustContain(t, doc, "## Summary\n\n| figure | value | target | verdict |\n|---|---|---|---|\n\n## Reliability")
	mustNotContain(t, doc, "## Targets missed", "## Authorizer", "## Cold start", "## Binary sizes", "## Peak memory", "## DynamoDB calls", "## Through the local API Gateway")

	// Cold starts without an init trace: no "Where init goes" table.
	r = sampleResults(t)
	r.inits = nil
	mustNotContain(t, section(t, r.markdown(), "Cold start"), "Where init goes", "inittrace")
}

// TestMarkdownBusyRun: a run whose load went above the core count is not
// called quiet.
func TestMarkdownBusyRun(t *testing.T) {
	r := sampleResults(t)
	r.loadMax = float64(r.machine.Cores) + 0.5
	doc := r.markdown()
	mustContain(t, doc, "**not a quiet run**")
	mustNotContain(t, doc, "a quiet run (no sample above the core count)")
}
