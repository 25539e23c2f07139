package main

import (
	"bufio"
	"context"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// lineChan hands each line written to a channel.
type lineChan chan string

func (w lineChan) Write(p []byte) (int, error) {
	for _, l := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
		w <- l
	}
	return len(p), nil
}

// TestHeartbeat: while go test runs, testrun says so at every interval.
func TestHeartbeat(t *testing.T) {
	lines := make(lineChan, 16)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go heartbeat(ctx, lines, 10*time.Millisecond, time.Now())
	for range 2 {
		select {
		case l := <-lines:
			if !strings.HasPrefix(l, "testrun: still running (") {
				t.Fatalf("got %q, want a testrun: still running line", l)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("no heartbeat line")
		}
	}
}

// TestSummaryStreams: scripts/test-summary prints each result as it reads
// it, not when its input ends — make test's progress, line by line.
func TestSummaryStreams(t *testing.T) {
	cmd := exec.CommandContext(t.Context(), "bash", filepath.Join("..", "..", "scripts", "test-summary"))
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	outR, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	out := bufio.NewScanner(outR)
	for _, line := range []string{"--- PASS: TestOne (0.00s)", "testrun: still running (20s)", "ok  \tkeygate/x\t0.1s"} {
		if _, err := io.WriteString(in, "=== RUN   TestOne\n"+line+"\n"); err != nil {
			t.Fatal(err)
		}
		got := make(chan string, 1)
		go func() {
			if out.Scan() {
				got <- out.Text()
			}
		}()
		select {
		case l := <-got:
			if l != line {
				t.Errorf("got %q, want %q", l, line)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%q was not printed while the input stays open: the summary buffers its output", line)
		}
	}
	in.Close()
	_ = cmd.Wait()
}

// TestLinesStayWhole: a heartbeat written while a line of go test's output
// is only half written lands after that line, never inside it.
func TestLinesStayWhole(t *testing.T) {
	var buf strings.Builder
	out := &lineWriter{w: &buf}
	tests, beat := out.from(), out.from()
	_, _ = io.WriteString(tests, "--- FAIL: TestHalf")
	_, _ = io.WriteString(beat, "testrun: still running (20s)\n")
	_, _ = io.WriteString(tests, " (0.01s)\nok  \tkeygate/x\t0.1s\n")
	want := "testrun: still running (20s)\n--- FAIL: TestHalf (0.01s)\nok  \tkeygate/x\t0.1s\n"
	if buf.String() != want {
		t.Errorf("got %q, want %q", buf.String(), want)
	}
}
