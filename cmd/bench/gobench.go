package main

import (
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
)

// goBench is one Go benchmark result.
type goBench struct {
	Name        string
	NsPerOp     float64
	AllocsPerOp float64
	BytesPerOp  float64
	Command     string
}

// benchLine matches a `go test -bench -benchmem` result line.
var benchLine = regexp.MustCompile(`(?m)^(Benchmark\S+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op\s+([\d.]+) B/op\s+([\d.]+) allocs/op`)

// runGoBench runs one benchmark of a package and parses its result.
func runGoBench(ctx context.Context, root, pkg, name string) (goBench, error) {
	args := []string{"test", "-run", "^$", "-bench", "^" + name + "$", "-benchmem", "-count", "1", pkg}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	command := fmt.Sprintf("go test -run '^$' -bench '^%s$' -benchmem %s", name, pkg)
	if err != nil {
		return goBench{Command: command}, fmt.Errorf("%s: %w\n%s", command, err, out)
	}
	m := benchLine.FindSubmatch(out)
	if m == nil {
		return goBench{Command: command}, fmt.Errorf("%s: no result in output:\n%s", command, out)
	}
	ns, _ := strconv.ParseFloat(string(m[2]), 64)
	bytes, _ := strconv.ParseFloat(string(m[3]), 64)
	allocs, _ := strconv.ParseFloat(string(m[4]), 64)
	return goBench{Name: string(m[1]), NsPerOp: ns, BytesPerOp: bytes, AllocsPerOp: allocs, Command: command}, nil
}
