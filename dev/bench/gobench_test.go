package main

import (
	"strings"
	"testing"
)

// goBenchOutput is real `go test -bench -benchmem -count 5` output (header,
// five result lines in run order, trailer).
const goBenchOutput = `goos: linux
goarch: amd64
pkg: keygate/authorizer
cpu: Test CPU 9000
BenchmarkAuthorizeNonIO-8   	  300000	      4100 ns/op	    2345 B/op	      27 allocs/op
BenchmarkAuthorizeNonIO-8   	  300000	      3900 ns/op	    2344 B/op	      27 allocs/op
BenchmarkAuthorizeNonIO-8   	  300000	      9000 ns/op	    2346 B/op	      28 allocs/op
BenchmarkAuthorizeNonIO-8   	  300000	      4321 ns/op	    2400 B/op	      29 allocs/op
BenchmarkAuthorizeNonIO-8   	  300000	      4500 ns/op	    2341 B/op	      27 allocs/op
PASS
ok  	keygate/authorizer	9.123s
`

// TestParseGoBench checks that the run with the median ns/op is reported
// whole (its B/op and allocs/op too, not each column's own median).
func TestParseGoBench(t *testing.T) {
	const cmd = "go test -bench X"
	tests := []struct {
		name string
		out  string
		want goBench
	}{
		{"five runs, median is the 4321 ns run", goBenchOutput,
			goBench{Name: "BenchmarkAuthorizeNonIO", NsPerOp: 4321, BytesPerOp: 2400, AllocsPerOp: 29, Command: cmd, Runs: 5}},
		{"one run", "BenchmarkA-16 \t 10 \t 123.4 ns/op \t 64 B/op \t 1 allocs/op\n",
			goBench{Name: "BenchmarkA", NsPerOp: 123.4, BytesPerOp: 64, AllocsPerOp: 1, Command: cmd, Runs: 1}},
		{"GOMAXPROCS=1 has no -N suffix", "BenchmarkA \t 1000\t 216.7 ns/op\t 64 B/op\t 1 allocs/op\n",
			goBench{Name: "BenchmarkA", NsPerOp: 216.7, BytesPerOp: 64, AllocsPerOp: 1, Command: cmd, Runs: 1}},
		{"sub-benchmark keeps its own dashes", "BenchmarkA/n-10-8 \t 1000\t 5 ns/op\t 0 B/op\t 0 allocs/op\n",
			goBench{Name: "BenchmarkA/n-10", NsPerOp: 5, Command: cmd, Runs: 1}},
		{"fractional ns/op", "BenchmarkA-8 \t 1000000000\t 0.2500 ns/op\t 0 B/op\t 0 allocs/op\n",
			goBench{Name: "BenchmarkA", NsPerOp: 0.25, Command: cmd, Runs: 1}},
		{"even count takes the upper middle run", "BenchmarkA-2 1 10 ns/op 1 B/op 1 allocs/op\nBenchmarkA-2 1 40 ns/op 4 B/op 4 allocs/op\nBenchmarkA-2 1 20 ns/op 2 B/op 2 allocs/op\nBenchmarkA-2 1 30 ns/op 3 B/op 3 allocs/op\n",
			goBench{Name: "BenchmarkA", NsPerOp: 30, BytesPerOp: 3, AllocsPerOp: 3, Command: cmd, Runs: 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseGoBench([]byte(tt.out), cmd)
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestParseGoBenchNoResult checks that output without a -benchmem result
// line is an error naming the command and quoting the output.
func TestParseGoBenchNoResult(t *testing.T) {
	tests := []struct {
		name string
		out  string
	}{
		{"empty", ""},
		{"no benchmark ran", "PASS\nok  \tkeygate/authorizer\t0.01s\n"},
		{"without -benchmem", "BenchmarkA-8 \t 1000\t 216.7 ns/op\n"},
		{"not at line start", "  BenchmarkA-8 1 10 ns/op 1 B/op 1 allocs/op\n"},
	}
	const cmd = "go test -bench '^BenchmarkA$'"
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseGoBench([]byte(tt.out), cmd)
			if err == nil {
				t.Fatalf("got %+v and no error, want an error", got)
			}
			if !strings.HasPrefix(err.Error(), cmd+": no result in output:") {
				t.Errorf("got error %q, want it to start with the command and \"no result\"", err)
			}
			if !strings.Contains(err.Error(), tt.out) {
				t.Errorf("got error %q, want it to quote the output %q", err, tt.out)
			}
			if got.Command != cmd {
				t.Errorf("got Command %q, want %q", got.Command, cmd)
			}
		})
	}
}
