package apikeys_test

import (
	"context"
	"testing"
	"time"

	"keygate/dev/demo"
	"keygate/dev/testkit/fntest"
	"keygate/dev/testkit/testlog"
)

// TestSampleEvents runs events/apikeys-*.json (what make invoke and sam local
// invoke send) through Handle against the demo data they name.
func TestSampleEvents(t *testing.T) {
	e := newEnv(t)
	clock := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	e.st = e.st.WithClock(func() time.Time { return clock })
	logger, _ := testlog.New()
	e.fn = e.newFunction(t, testConfig(logger, func() time.Time { return clock }))
	if _, err := demo.SeedSamples(context.Background(), e.st); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		file       string
		wantStatus int
	}{
		{"apikeys-create.json", 201},
		{"apikeys-list.json", 200},
		{"apikeys-get.json", 200},
		{"apikeys-rename.json", 200},
		{"apikeys-rotate.json", 201},
		{"apikeys-delete.json", 204},
	} {
		t.Run(tt.file, func(t *testing.T) {
			req := fntest.LoadEvent(t, tt.file)
			resp, err := e.fn.Handle(context.Background(), req)
			if err != nil || resp.StatusCode != tt.wantStatus {
				t.Fatalf("got %d %s (%v), want %d", resp.StatusCode, resp.Body, err, tt.wantStatus)
			}
			e.validator.Proxy(t, req, resp)
		})
	}
	if want := "abcdef1234/v1"; e.flusher.count() != 2 || e.flusher.calls[0] != want {
		t.Errorf("flushes: got %v, want 2 of %s", e.flusher.calls, want)
	}
}
