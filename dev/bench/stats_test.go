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
