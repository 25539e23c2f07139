package main

import (
	"slices"
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
			got := percentile(durations(t, tt.sorted...), tt.p)
			if want := time.Duration(tt.want) * time.Millisecond; got != want {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

// TestMedian checks the median of an unsorted sample, averaging the middle
// pair of an even one, and that the caller's slice is left as it was.
func TestMedian(t *testing.T) {
	tests := []struct {
		name   string
		sample []time.Duration
		want   time.Duration
	}{
		{"empty", nil, 0},
		{"one", durations(t, 9), 9 * time.Millisecond},
		{"odd unsorted", durations(t, 5, 1, 9, 3, 7), 5 * time.Millisecond},
		{"even averages the middle pair", durations(t, 4, 1, 3, 2), 2500 * time.Microsecond},
		{"outlier does not move it", durations(t, 10, 11, 12, 13, 5000), 12 * time.Millisecond},
		{"duplicates", durations(t, 2, 2, 2, 8), 2 * time.Millisecond},
		{"even, odd nanoseconds truncate", []time.Duration{1, 2}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := slices.Clone(tt.sample)
			if got := median(tt.sample); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			if !slices.Equal(tt.sample, before) {
				t.Errorf("got sample %v after median, want it unchanged %v", tt.sample, before)
			}
		})
	}
}
