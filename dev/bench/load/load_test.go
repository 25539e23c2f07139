package load

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// durations turns milliseconds into a sample.
func durations(tb testing.TB, msecs ...int) []time.Duration {
	tb.Helper()
	out := make([]time.Duration, len(msecs))
	for i, m := range msecs {
		out[i] = time.Duration(m) * time.Millisecond
	}
	return out
}

// TestPercentile checks the nearest-rank percentile: the smallest value with
// at least p% of the sample at or below it.
func TestPercentile(t *testing.T) {
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1 // 1..100 ms
	}
	tests := []struct {
		name   string
		sorted []int
		p      int
		want   int
	}{
		{"empty", nil, 50, 0},
		{"one value p50", []int{7}, 50, 7},
		{"one value p99", []int{7}, 99, 7},
		{"two values p50 is the lower", []int{1, 2}, 50, 1},
		{"two values p99 is the upper", []int{1, 2}, 99, 2},
		{"odd p50 is the middle", []int{1, 2, 3, 4, 5}, 50, 3},
		{"even p50", []int{1, 2, 3, 4}, 50, 2},
		{"p51 of four", []int{1, 2, 3, 4}, 51, 3},
		{"p99 of ten is the max", []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 99, 10},
		{"p90 of ten", []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 90, 9},
		{"p50 of 1..100", hundred, 50, 50},
		{"p99 of 1..100", hundred, 99, 99},
		{"p100 of 1..100", hundred, 100, 100},
		{"p0 clamps to the min", hundred, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Percentile(durations(t, tt.sorted...), tt.p)
			if want := time.Duration(tt.want) * time.Millisecond; got != want {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

// TestRun: every request measured is one the server answered, counted as
// an error unless it was a 200, and the key reaches the server.
func TestRun(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		wantErrors bool
	}{
		{"200s", http.StatusOK, false},
		{"500s are errors", http.StatusInternalServerError, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var served, badAuth atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				served.Add(1)
				if r.Header.Get("Authorization") != "Bearer k" {
					badAuth.Add(1)
				}
				w.WriteHeader(tt.status)
			}))
			defer srv.Close()
			const c = 2
			got := Run(t.Context(), srv.URL, "k", c, 100*time.Millisecond)
			if got.Requests == 0 {
				t.Fatal("got no requests")
			}
			if want := served.Load() - 2*c; int64(got.Requests) != want {
				t.Errorf("got %d requests, want %d (served minus the warm-up)", got.Requests, want)
			}
			if wantErrs := map[bool]int{false: 0, true: got.Requests}[tt.wantErrors]; got.Errors != wantErrs {
				t.Errorf("got %d errors, want %d", got.Errors, wantErrs)
			}
			if badAuth.Load() != 0 {
				t.Errorf("got %d requests without the key", badAuth.Load())
			}
			if got.P50 > got.P99 || got.P99 <= 0 {
				t.Errorf("got p50 %v, p99 %v, want 0 < p50 ≤ p99", got.P50, got.P99)
			}
		})
	}
}
