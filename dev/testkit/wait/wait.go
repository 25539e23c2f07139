// Package wait is the tests' one way to wait for work that runs in the
// background (a refresh, a delivery, a stream record, a request reaching a
// fake server): poll a condition until it holds.
//
// It waits for something to happen, never for time to pass: a test that
// needs a later instant moves an injected clock instead of sleeping.
package wait

import (
	"testing"
	"time"
)

// Interval is how long Eventually waits between two checks.
const Interval = 10 * time.Millisecond

// Eventually calls check at once and then every Interval until it reports
// true, and fails tb (Fatalf) if timeout passes first, or the test ends,
// with the description of what check last saw: check returns whether its
// condition holds and, for the failure message, what it found ("2 records of
// 3", "signed with kid-1"). Call it from the test's goroutine; check may
// call tb.Fatal.
func Eventually(tb testing.TB, timeout time.Duration, check func() (ok bool, seen string)) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, seen := check()
		if ok {
			return
		}
		if !time.Now().Before(deadline) {
			tb.Fatalf("not within %v: %s", timeout, seen)
		}
		select {
		case <-tb.Context().Done():
			tb.Fatalf("the test ended while waiting: %s", seen)
		case <-time.After(Interval):
		}
	}
}
