package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"keygate/shared/keys"
	"keygate/shared/store"
)

// TestRecordUsage: each use is the difference of two successive counts of
// one item, in its hour and day; a batch delivered again counts once; the
// first change seen of an older key is its baseline; a use given back
// counts -1; a fold's jump is not counted again; lanes count like the
// key's own item.
func TestRecordUsage(t *testing.T) {
	ctx := context.Background()
	st, _, _ := newStore(t)
	h1 := time.Date(2026, 12, 7, 10, 15, 0, 0, time.UTC)
	h2 := h1.Add(time.Hour)
	seq := 0
	change := func(keyID, source string, insert bool, count int64, at time.Time, fold string) store.UsageChange {
		seq++
		return store.UsageChange{KeyID: keyID, Source: source, Seq: fmt.Sprintf("%040d", seq), Insert: insert, Count: count, At: at, Fold: fold}
	}
	const key, old = "usagekey00000001", "usagekey00000002"
	batch := []store.UsageChange{
		change(key, "key", true, 0, h1, ""),
		change(key, "key", false, 1, h1, ""),
		change(key, "key", false, 2, h1, ""),
		change(old, "key", false, 100, h1, ""), // from before the aggregator: its baseline
		change(key, "0", true, 0, h2, ""),      // a lane
		change(key, "0", false, 3, h2, ""),
		change(key, "key", false, 1, h2, ""), // a use given back
		change(old, "key", false, 101, h2, ""),
	}
	for range 2 { // the same batch twice: Lambda retried it
		if err := st.RecordUsage(ctx, batch, 24*time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.RecordUsage(ctx, []store.UsageChange{change(key, "key", false, 4, h2, "fold-1")}, 24*time.Hour); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		keyID string
		g     keys.Granularity
		want  map[time.Time]int64
	}{
		{"hourly", key, keys.Hourly, map[time.Time]int64{h1.Truncate(time.Hour): 2, h2.Truncate(time.Hour): 2}},
		{"daily", key, keys.Daily, map[time.Time]int64{h1.Truncate(24 * time.Hour): 4}},
		{"an older key, after its baseline", old, keys.Hourly, map[time.Time]int64{h2.Truncate(time.Hour): 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := st.UsageBuckets(ctx, tt.keyID, tt.g, h1.Add(-48*time.Hour), h2)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("buckets: got %v, want %v", got, tt.want)
			}
			for _, b := range got {
				if b.Count != tt.want[b.Start] {
					t.Errorf("bucket %s: got %d, want %d", b.Start, b.Count, tt.want[b.Start])
				}
			}
		})
	}
}
