package main

import (
	"strings"
	"testing"
	"time"
)

// TestTableColumnsAligned checks the terminal table: a header, one line per
// summary row with every column starting at the same rune offset, and the
// machine line last.
func TestTableColumnsAligned(t *testing.T) {
	r := sampleResults(t)
	lines := strings.Split(strings.TrimSuffix(r.table(), "\n"), "\n")
	rows := append([]row{{"FIGURE", "VALUE", "TARGET", "VERDICT"}}, r.summary()...)
	if got, want := len(lines), len(rows)+1; got != want {
		t.Fatalf("got %d lines, want %d:\n%s", got, want, r.table())
	}
	// The VALUE column starts after the widest figure and two spaces.
	width := 0
	for _, x := range rows {
		width = max(width, len([]rune(x.Figure)))
	}
	for i, x := range rows {
		line := []rune(lines[i])
		if !strings.HasPrefix(lines[i], x.Figure) {
			t.Errorf("line %d: got %q, want it to start with %q", i, lines[i], x.Figure)
			continue
		}
		if got := string(line[width+2:]); !strings.HasPrefix(got, x.Value) {
			t.Errorf("line %d: got %q at the value column, want %q", i, got, x.Value)
		}
		if !strings.HasSuffix(lines[i], "  "+x.Verdict) {
			t.Errorf("line %d: got %q, want it to end with the verdict %q", i, lines[i], x.Verdict)
		}
	}
	if got, want := lines[len(lines)-1], "(linux/amd64 on Test CPU 9000, 8 cores, go1.26.8; took 1m35s)"; got != want {
		t.Errorf("got machine line %q, want %q", got, want)
	}
}

// TestTableEmpty checks the table of a run that measured nothing.
func TestTableEmpty(t *testing.T) {
	r := &results{machine: machine{OS: "linux/arm64", CPU: "X", Cores: 2, GoVersion: "go1"}, took: 1400 * time.Millisecond}
	want := "FIGURE  VALUE  TARGET  VERDICT\n(linux/arm64 on X, 2 cores, go1; took 1s)\n"
	if got := r.table(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
