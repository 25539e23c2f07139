package main

import (
	"testing"
	"time"

	"keygate/dev/bench/load"
	"keygate/dev/testkit/faults"
)

// TestMs checks milliseconds with two decimals, from whole microseconds.
func TestMs(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0.00 ms"},
		{999 * time.Nanosecond, "0.00 ms"},
		{1500 * time.Microsecond, "1.50 ms"},
		{12 * time.Millisecond, "12.00 ms"},
		{1234567 * time.Nanosecond, "1.23 ms"},
		{2 * time.Second, "2000.00 ms"},
	}
	for _, tt := range tests {
		t.Run(tt.d.String(), func(t *testing.T) {
			if got := ms(tt.d); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestMib checks binary megabytes with two decimals.
func TestMib(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{0, "0.00 MiB"},
		{1 << 20, "1.00 MiB"},
		{1_000_000, "0.95 MiB"},
		{7<<20 + 1<<19, "7.50 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := mib(tt.n); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestOpsText checks the per-operation listing, sorted so the report does
// not change with map order.
func TestOpsText(t *testing.T) {
	tests := []struct {
		name string
		c    callsResult
		want string
	}{
		{"no calls", callsResult{}, "none"},
		{"zero total wins over stale counts", callsResult{Total: 0, Calls: map[faults.Op]int{faults.OpQuery: 1}}, "none"},
		{"one op", callsResult{Total: 1, Calls: map[faults.Op]int{faults.OpGetItem: 1}}, "GetItem 1"},
		{"sorted by name", callsResult{Total: 4, Calls: map[faults.Op]int{faults.OpUpdateItem: 1, faults.OpQuery: 2, faults.OpDeleteItem: 1}}, "DeleteItem 1, Query 2, UpdateItem 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 5 { // map iteration order varies between runs
				if got := opsText(tt.c); got != tt.want {
					t.Fatalf("got %q, want %q", got, tt.want)
				}
			}
		})
	}
}

// TestErrText checks the verdict of a gateway load cell.
func TestErrText(t *testing.T) {
	tests := []struct {
		errors int
		want   string
	}{{0, "0 errors"}, {1, "1 NON-200"}, {250, "250 NON-200"}}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := errText(loadResult{Result: load.Result{Errors: tt.errors}}); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestPad checks right-padding to a width counted in runes, not bytes.
func TestPad(t *testing.T) {
	tests := []struct {
		s    string
		n    int
		want string
	}{
		{"ab", 4, "ab  "},
		{"µs", 3, "µs "},
		{"≤ 1", 3, "≤ 1"},
		{"long", 2, "long"},
		{"", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.s, func(t *testing.T) {
			if got := pad(tt.s, tt.n); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
