package main

import (
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
)

// goBench is one Go benchmark result.
type goBench struct {
	Name        string
	NsPerOp     float64
	AllocsPerOp float64
	BytesPerOp  float64
	Command     string
	Runs        int // -count; the figures are the median run's
}

// benchCount is how many times the benchmark runs; the median is reported,
// so a burst of load from other processes does not decide the figure.
const benchCount = 5

// benchLine matches a `go test -bench -benchmem` result line.
var benchLine = regexp.MustCompile(`(?m)^(Benchmark\S+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op\s+([\d.]+) B/op\s+([\d.]+) allocs/op`)

// runGoBench runs one benchmark of a package and parses its result.
func runGoBench(ctx context.Context, root, pkg, name string) (goBench, error) {
	args := []string{"test", "-run", "^$", "-bench", "^" + name + "$", "-benchmem", "-count", strconv.Itoa(benchCount), pkg}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	command := fmt.Sprintf("go test -run '^$' -bench '^%s$' -benchmem -count %d %s", name, benchCount, pkg)
	if err != nil {
		return goBench{Command: command}, fmt.Errorf("%s: %w\n%s", command, err, out)
	}
	return parseGoBench(out, command)
}

// parseGoBench reads the result lines of `go test -bench -benchmem` output
// and returns the run with the median time, attributed to command.
func parseGoBench(out []byte, command string) (goBench, error) {
	ms := benchLine.FindAllSubmatch(out, -1)
	if len(ms) == 0 {
		return goBench{Command: command}, fmt.Errorf("%s: no result in output:\n%s", command, out)
	}
	// The run with the median time stands for all of them.
	runs := make([]goBench, 0, len(ms))
	for _, m := range ms {
		ns, _ := strconv.ParseFloat(string(m[2]), 64)
		bytes, _ := strconv.ParseFloat(string(m[3]), 64)
		allocs, _ := strconv.ParseFloat(string(m[4]), 64)
		runs = append(runs, goBench{Name: string(m[1]), NsPerOp: ns, BytesPerOp: bytes, AllocsPerOp: allocs, Command: command})
	}
	sort.Slice(runs, func(i, j int) bool { return runs[i].NsPerOp < runs[j].NsPerOp })
	med := runs[len(runs)/2]
	med.Runs = len(runs)
	return med, nil
}
