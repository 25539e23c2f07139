package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"keygate/dev/testkit/faults"
	"keygate/shared/keys"
	"keygate/shared/store"
)

// TestRecordUsage: each use is the difference of two successive counts of
// one item, in its hour and day; a batch delivered again counts once; the
// first change seen of a key older than the aggregator is its baseline,
// of a newer key or a lane its count from 0; a use given back counts -1; a
// fold's jump is not counted again; lanes spread again count from 0; lanes
// count like the key's own item.
func TestRecordUsage(t *testing.T) {
	ctx := context.Background()
	st, _, _ := newStore(t)
	h1 := time.Date(2026, 12, 7, 10, 15, 0, 0, time.UTC)
	h2 := h1.Add(time.Hour)
	seq := 0
	epoch := h1.Add(-24 * time.Hour)
	change := func(keyID, source string, insert bool, count int64, at time.Time, fold string) store.UsageChange {
		seq++
		return store.UsageChange{KeyID: keyID, Source: source, Seq: fmt.Sprintf("%040d", seq), Record: fmt.Sprint(seq), Stream: "s1",
			Insert: insert, Count: count, At: at, Fold: fold, Created: epoch.Add(-time.Hour)}
	}
	const key, old, newer = "usagekey00000001", "usagekey00000002", "usagekey00000003"
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
	created := change(newer, "key", false, 2, h1, "") // its INSERT missed: created after the epoch, counted from 0
	created.Created = epoch.Add(time.Hour)
	batch = append(batch, created, change(newer, "1", false, 3, h1, "")) // a lane first seen at 3
	for range 2 {                                                        // the same batch twice: Lambda retried it
		if err := st.RecordUsage(ctx, batch, 24*time.Hour, epoch); err != nil {
			t.Fatal(err)
		}
	}
	later := []store.UsageChange{
		change(key, "key", false, 4, h2, "fold-1"), // the fold of lane 0 into the key
		change(key, "0", true, 0, h2, ""),          // lane 0 spread again: from 0, not from its old 3
		change(key, "0", false, 2, h2, ""),
	}
	if err := st.RecordUsage(ctx, later, 24*time.Hour, epoch); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		keyID string
		g     keys.Granularity
		want  map[time.Time]int64
	}{
		{"hourly", key, keys.Hourly, map[time.Time]int64{h1.Truncate(time.Hour): 2, h2.Truncate(time.Hour): 4}},
		{"daily", key, keys.Daily, map[time.Time]int64{h1.Truncate(24 * time.Hour): 6}},
		{"an older key, after its baseline", old, keys.Hourly, map[time.Time]int64{h2.Truncate(time.Hour): 1}},
		{"a newer key and its lane, from 0", newer, keys.Hourly, map[time.Time]int64{h1.Truncate(time.Hour): 5}},
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

// TestRecordUsageIsolatesAFailingItem: one item whose write fails does not
// hold up the others of the batch; the failure names its earliest record,
// and the batch delivered again from there counts every use once.
func TestRecordUsageIsolatesAFailingItem(t *testing.T) {
	ctx := context.Background()
	_, client, table := newStore(t)
	at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	batch := []store.UsageChange{
		{KeyID: "tenantakey000001", Source: "key", Seq: fmt.Sprintf("%040d", 1), Record: "1", Stream: "s", Insert: true, Count: 0, At: at},
		{KeyID: "tenantbkey000001", Source: "key", Seq: fmt.Sprintf("%040d", 2), Record: "2", Stream: "s", Insert: true, Count: 0, At: at},
		{KeyID: "tenantakey000001", Source: "key", Seq: fmt.Sprintf("%040d", 3), Record: "3", Stream: "s", Count: 5, At: at},
		{KeyID: "tenantbkey000001", Source: "key", Seq: fmt.Sprintf("%040d", 4), Record: "4", Stream: "s", Count: 7, At: at},
	}
	// Tenant A's write (the batch's first) fails; tenant B's goes on.
	failing := faults.Wrap(client)
	failing.Fail = func(op faults.Op, n int) bool { return op == faults.OpTransactWriteItems && n == 1 }
	err := store.New(failing, table).RecordUsage(ctx, batch, 24*time.Hour, at.Add(-time.Hour))
	var failed *store.UsageFailure
	if !errors.As(err, &failed) || failed.Record != "1" {
		t.Fatalf("got %v, want a UsageFailure from tenant A's first record", err)
	}
	st := store.New(client, table)
	sum := func(keyID string) int64 {
		got, err := st.UsageBuckets(ctx, keyID, keys.Daily, at, at)
		if err != nil {
			t.Fatal(err)
		}
		n := int64(0)
		for _, b := range got {
			n += b.Count
		}
		return n
	}
	if got := sum("tenantbkey000001"); got != 7 {
		t.Errorf("tenant B: %d uses recorded while A failed, want 7", got)
	}
	// Lambda delivers the batch again from record 1.
	if err := st.RecordUsage(ctx, batch, 24*time.Hour, at.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if a, b := sum("tenantakey000001"), sum("tenantbkey000001"); a != 5 || b != 7 {
		t.Errorf("after the retry: A %d, B %d uses, want 5 and 7", a, b)
	}
}
