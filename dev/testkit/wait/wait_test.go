package wait_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"keygate/dev/testkit/wait"
)

// fatalRecorder is a testing.TB whose Fatalf records the message and ends
// the goroutine, as testing.T's does.
type fatalRecorder struct {
	testing.TB
	ctx     context.Context
	message string
}

func (r *fatalRecorder) Helper()                  {}
func (r *fatalRecorder) Context() context.Context { return r.ctx }
func (r *fatalRecorder) Fatalf(format string, args ...any) {
	r.message = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// run calls Eventually with a recorder on its own goroutine and returns
// what it recorded ("" when Eventually returned).
func run(ctx context.Context, timeout time.Duration, check func() (bool, string)) string {
	r := &fatalRecorder{ctx: ctx}
	done := make(chan struct{})
	go func() {
		defer close(done)
		wait.Eventually(r, timeout, check)
	}()
	<-done
	return r.message
}

func TestEventually(t *testing.T) {
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name      string
		ctx       context.Context
		timeout   time.Duration
		holdsFrom int // the call from which the condition holds; 0: never
		wantCalls func(int) bool
		wantFatal string // the failure message, %d the number of checks; "" for none
	}{
		{"holds at once: one check", context.Background(), time.Minute, 1, func(n int) bool { return n == 1 }, ""},
		{"holds later: checked until then", context.Background(), time.Minute, 4, func(n int) bool { return n == 4 }, ""},
		{"never holds: fails with what it saw", context.Background(), 5 * wait.Interval, 0, func(n int) bool { return n >= 2 }, "not within 50ms: seen %d (the last check)"},
		{"the test ends: fails at once", ended, time.Minute, 0, func(n int) bool { return n == 1 }, "the test ended while waiting: seen %d (the last check)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			got := run(tt.ctx, tt.timeout, func() (bool, string) {
				calls++
				return tt.holdsFrom > 0 && calls >= tt.holdsFrom, fmt.Sprintf("seen %d (the last check)", calls)
			})
			if tt.wantFatal == "" && got != "" {
				t.Errorf("failure: got %q, want none", got)
			}
			if want := fmt.Sprintf(tt.wantFatal, calls); tt.wantFatal != "" && got != want {
				t.Errorf("failure: got %q, want %q", got, want)
			}
			if !tt.wantCalls(calls) {
				t.Errorf("checks: got %d", calls)
			}
		})
	}
}
