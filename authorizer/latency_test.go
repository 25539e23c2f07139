package authorizer_test

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"keygate/authorizer"
	"keygate/internal/faults"
	"keygate/internal/testlog"
	"keygate/shared/store"
)

// TestHandleLateAllowFailsClosed: with the cache on, an Allow that would be
// answered more than MaxAllowLatency after its key check began is an error
// instead (API Gateway answers 500 and caches nothing), so a key revoked
// meanwhile cannot stay cached past the revocation's second flush.
func TestHandleLateAllowFailsClosed(t *testing.T) {
	f := newFixture(t, authorizer.Config{})
	f.user("alice", map[string]store.Role{"ws1": store.RoleOwner})
	k := f.key("alice", store.AllScopes, nil)
	// The principal read after the key check is slow, as on a DynamoDB
	// latency spike or a retried call.
	slowQuery := &faults.API{Next: f.client, Delay: func(op faults.Op) time.Duration {
		if op == faults.OpQuery {
			return 100 * time.Millisecond
		}
		return 0
	}}
	tests := []struct {
		name  string
		bound time.Duration
		want  string
	}{
		{"bound exceeded", 50 * time.Millisecond, "error"},
		{"within the bound", time.Minute, "allow"},
		{"cache off: no bound", 0, "allow"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs := &testlog.Buffer{}
			h := authorizer.New(store.New(slowQuery, f.table), authorizer.Config{MaxAllowLatency: tt.bound},
				slog.New(slog.NewJSONHandler(logs, nil)))
			resp, err := h.Handle(t.Context(), request("Bearer "+k.Token))
			if got := decision(resp, err); got != tt.want {
				t.Fatalf("got %s (%v), want %s", got, err, tt.want)
			}
			late := strings.Contains(logs.String(), `"reason":"ALLOW_TOO_LATE"`)
			if want := tt.want == "error"; late != want {
				t.Errorf("ALLOW_TOO_LATE logged: got %v, want %v (logs %s)", late, want, logs.String())
			}
			logs.AssertNoSecrets(t, k.Token, k.Hash)
		})
	}
}
