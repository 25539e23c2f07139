package authorizer_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"keygate/authorizer"
	"keygate/dev/testkit/faults"
	"keygate/dev/testkit/testlog"
	"keygate/shared/keys"
	"keygate/shared/store"
)

// TestHandleLateAllowFailsClosed: with the cache on, an Allow that would be
// answered more than MaxAllowLatency after its key check began is an error
// instead (API Gateway answers 500 and caches nothing), so a key revoked
// meanwhile cannot stay cached past the revocation's second flush.
func TestHandleLateAllowFailsClosed(t *testing.T) {
	f := newFixture(t, authorizer.Config{})
	f.user("alice", map[string]keys.Role{"ws1": keys.RoleOwner})
	k := f.key("alice", keys.AllScopes, nil)
	// A slow call, as on a DynamoDB latency spike or a retried call: the
	// key check itself, or the principal read after it.
	slow := func(slowOp faults.Op) *faults.API {
		return &faults.API{Next: f.client, Delay: func(op faults.Op) time.Duration {
			if op == slowOp {
				return 100 * time.Millisecond
			}
			return 0
		}}
	}
	tests := []struct {
		name  string
		api   *faults.API
		bound time.Duration
		want  string
	}{
		{"slow principal read, bound exceeded", slow(faults.OpQuery), 50 * time.Millisecond, "error"},
		{"slow key check, bound exceeded", slow(faults.OpUpdateItem), 50 * time.Millisecond, "error"},
		{"slow principal read within the bound", slow(faults.OpQuery), time.Minute, "allow"},
		{"cache off: no bound", slow(faults.OpQuery), 0, "allow"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs := &testlog.Buffer{}
			h := authorizer.New(store.New(tt.api, f.table), authorizer.Config{MaxAllowLatency: tt.bound},
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
			// The bound ends the slow call itself, rather than waiting for
			// it and discarding the answer.
			if cut := errors.Is(err, context.DeadlineExceeded); cut != (tt.want == "error") {
				t.Errorf("call ended by the deadline: got %v (%v), want %v", cut, err, tt.want == "error")
			}
		})
	}
}
