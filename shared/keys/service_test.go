package keys_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"keygate/dev/dynamolocal"
	"keygate/dev/testkit/fntest"
	"keygate/shared/apperr"
	"keygate/shared/keys"
	"keygate/shared/store"
)

func TestMain(m *testing.M) { dynamolocal.Main(m) }

// fixture is a Service on a fresh DynamoDB Local table with user alice and
// a clock the test moves.
type fixture struct {
	st        *store.Store
	svc       *keys.Service
	now       time.Time
	retention time.Duration
}

func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	client, table := dynamolocal.NewTestTable(tb)
	f := &fixture{st: store.New(client, table), now: time.Now().UTC().Truncate(time.Second), retention: keys.DefaultAuditRetention}
	fntest.Seed(tb, f.st, "alice", "ws1", keys.RoleOwner)
	svc, err := keys.NewService(f.st, keys.Config{Now: func() time.Time { return f.now }, CursorKey: []byte(strings.Repeat("k", 32)),
		AuditRetention: f.retention})
	if err != nil {
		tb.Fatal(err)
	}
	f.svc = svc
	return f
}

// operator is the CLI's caller for alice.
var operator = keys.OperatorCaller("ops", "alice")

// key creates a key of alice as an operator and returns the Caller that
// uses it.
func (f *fixture) key(tb testing.TB, name string, scopes []keys.Scope, expiresAt *time.Time) (keys.Caller, keys.Key) {
	tb.Helper()
	issued, err := f.svc.Create(context.Background(), operator, keys.CreateRequest{Name: name, Scopes: scopes, ExpiresAt: expiresAt})
	if err != nil {
		tb.Fatalf("create %s: %v", name, err)
	}
	return keys.Caller{UserID: "alice", KeyID: issued.Key.ID, Scopes: issued.Key.Scopes}, issued.Key
}

func wantRefusal(tb testing.TB, err error, reason keys.Reason) {
	tb.Helper()
	if !apperr.Is(err, apperr.Forbidden) || apperr.ReasonOf(err) != string(reason) {
		tb.Errorf("got %v, want FORBIDDEN with reason %s", err, reason)
	}
	if apperr.MessageOf(err) != apperr.ForbiddenMessage {
		tb.Errorf("message: got %q, want the spec's %q", apperr.MessageOf(err), apperr.ForbiddenMessage)
	}
}

func ptr[T any](v T) *T { return &v }

func TestChildNeverOutlivesItsCreator(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	parentExpiry := f.now.Add(time.Hour)
	parent, _ := f.key(t, "parent", keys.AllScopes, &parentExpiry)

	t.Run("no expiry inherits the creator's", func(t *testing.T) {
		got, err := f.svc.Create(ctx, parent, keys.CreateRequest{Name: "child"})
		if err != nil {
			t.Fatal(err)
		}
		if got.Key.ExpiresAt == nil || !got.Key.ExpiresAt.Equal(parentExpiry) {
			t.Errorf("expiresAt: got %v, want the creator's %v", got.Key.ExpiresAt, parentExpiry)
		}
	})
	t.Run("an earlier expiry is kept", func(t *testing.T) {
		want := f.now.Add(time.Minute)
		got, err := f.svc.Create(ctx, parent, keys.CreateRequest{Name: "child", ExpiresAt: &want})
		if err != nil || !got.Key.ExpiresAt.Equal(want) {
			t.Errorf("got %v, %v; want expiry %v", got.Key.ExpiresAt, err, want)
		}
	})
	t.Run("a later expiry is refused", func(t *testing.T) {
		_, err := f.svc.Create(ctx, parent, keys.CreateRequest{Name: "child", ExpiresAt: ptr(f.now.Add(2 * time.Hour))})
		wantRefusal(t, err, keys.ReasonExpiryBeyondCaller)
	})
	t.Run("an expired creator mints nothing", func(t *testing.T) {
		f.now = f.now.Add(2 * time.Hour)
		defer func() { f.now = f.now.Add(-2 * time.Hour) }()
		_, err := f.svc.Create(ctx, parent, keys.CreateRequest{Name: "child"})
		wantRefusal(t, err, keys.ReasonCallerKeyGone)
	})
}

func TestChildNeverOutranksItsCreator(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	narrow, _ := f.key(t, "read+admin", []keys.Scope{keys.ScopeRead, keys.ScopeAdmin}, nil)
	_, wide := f.key(t, "all", keys.AllScopes, nil)
	_, peer := f.key(t, "read", []keys.Scope{keys.ScopeRead}, nil)

	t.Run("cannot grant a scope it lacks", func(t *testing.T) {
		_, err := f.svc.Create(ctx, narrow, keys.CreateRequest{Name: "x", Scopes: []keys.Scope{keys.ScopeWrite}})
		wantRefusal(t, err, keys.ReasonScopeNotHeld)
	})
	t.Run("cannot rename a key with more scopes", func(t *testing.T) {
		_, err := f.svc.Update(ctx, narrow, wide.ID, keys.KeyChanges{Name: ptr("mine now")})
		wantRefusal(t, err, keys.ReasonKeyOutranksCaller)
	})
	t.Run("cannot revoke a key with more scopes", func(t *testing.T) {
		_, err := f.svc.Revoke(ctx, narrow, wide.ID, nil)
		wantRefusal(t, err, keys.ReasonKeyOutranksCaller)
	})
	t.Run("cannot rotate a key with more scopes", func(t *testing.T) {
		_, err := f.svc.Rotate(ctx, narrow, wide.ID, 0, nil)
		wantRefusal(t, err, keys.ReasonKeyOutranksCaller)
	})
	t.Run("the refused key is untouched", func(t *testing.T) {
		got, err := f.st.GetKey(ctx, "alice", wide.ID)
		if err != nil || got.Name != "all" || got.ReplacedBy != "" {
			t.Errorf("got %+v, %v; want the key as created", got, err)
		}
	})
	t.Run("may manage a key within its scopes", func(t *testing.T) {
		if _, err := f.svc.Update(ctx, narrow, peer.ID, keys.KeyChanges{Name: ptr("renamed")}); err != nil {
			t.Errorf("rename: %v", err)
		}
		if _, err := f.svc.Revoke(ctx, narrow, peer.ID, nil); err != nil {
			t.Errorf("revoke: %v", err)
		}
	})
	t.Run("the context's scopes bound the stored ones", func(t *testing.T) {
		// A key stored with every scope, presented with fewer (as the
		// authorizer's context names them), acts with the fewer.
		all, _ := f.key(t, "all2", keys.AllScopes, nil)
		all.Scopes = []keys.Scope{keys.ScopeRead, keys.ScopeAdmin}
		_, err := f.svc.Create(ctx, all, keys.CreateRequest{Name: "x", Scopes: []keys.Scope{keys.ScopeWrite}})
		wantRefusal(t, err, keys.ReasonScopeNotHeld)
	})
}

func TestKeyInGraceCannotManageKeys(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	old, oldKey := f.key(t, "old", keys.AllScopes, nil)
	_, other := f.key(t, "other", keys.AllScopes, nil)
	rot, err := f.svc.Rotate(ctx, old, oldKey.ID, time.Hour, nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, call := range map[string]func() error{
		"create":               func() error { _, err := f.svc.Create(ctx, old, keys.CreateRequest{Name: "x"}); return err },
		"list":                 func() error { _, err := f.svc.List(ctx, old, 10, ""); return err },
		"rename":               func() error { _, err := f.svc.Update(ctx, old, other.ID, keys.KeyChanges{Name: ptr("x")}); return err },
		"revoke its successor": func() error { _, err := f.svc.Revoke(ctx, old, rot.Key.ID, nil); return err },
		"rotate":               func() error { _, err := f.svc.Rotate(ctx, old, other.ID, 0, nil); return err },
	} {
		t.Run(name, func(t *testing.T) { wantRefusal(t, call(), keys.ReasonCallerInGrace) })
	}
	t.Run("the successor manages the old key", func(t *testing.T) {
		next := keys.Caller{UserID: "alice", KeyID: rot.Key.ID, Scopes: rot.Key.Scopes}
		if _, err := f.svc.Revoke(ctx, next, oldKey.ID, nil); err != nil {
			t.Errorf("revoke: %v", err)
		}
	})
}

func TestRevokedCallerIsRefused(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c, k := f.key(t, "gone", keys.AllScopes, nil)
	if _, err := f.svc.Revoke(ctx, operator, k.ID, nil); err != nil {
		t.Fatal(err)
	}
	// The authorizer's answer for c may still be cached: its requests
	// reach the function, which reads the key.
	_, err := f.svc.Create(ctx, c, keys.CreateRequest{Name: "x"})
	wantRefusal(t, err, keys.ReasonCallerKeyGone)
}

func TestAdminScopeRequired(t *testing.T) {
	f := newFixture(t)
	c, _ := f.key(t, "rw", []keys.Scope{keys.ScopeRead, keys.ScopeWrite}, nil)
	_, err := f.svc.List(context.Background(), c, 10, "")
	wantRefusal(t, err, keys.ReasonAdminScopeRequired)
}

func TestExpiryRule(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name    string
		at      time.Time
		want    time.Time
		wantErr bool
	}{
		{"kept to the millisecond", f.now.Add(time.Hour + 1234567*time.Nanosecond), f.now.Add(time.Hour + time.Millisecond), false},
		{"five years ahead", f.now.AddDate(5, 0, 0), f.now.AddDate(5, 0, 0), false},
		{"past five years", f.now.AddDate(5, 0, 0).Add(time.Millisecond), time.Time{}, true},
		{"now", f.now, time.Time{}, true},
		{"the past", f.now.Add(-time.Second), time.Time{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := f.svc.Create(context.Background(), operator, keys.CreateRequest{Name: "x", ExpiresAt: &tt.at})
			if (err != nil) != tt.wantErr {
				t.Fatalf("err: got %v, want error %v", err, tt.wantErr)
			}
			if err == nil && !got.Key.ExpiresAt.Equal(tt.want) {
				t.Errorf("expiresAt: got %v, want %v", got.Key.ExpiresAt, tt.want)
			}
		})
	}
}

func TestListCursorsAreTamperEvident(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	fntest.Seed(t, f.st, "bob", "", "")
	for range 3 {
		f.now = f.now.Add(time.Second)
		f.key(t, "k", keys.AllScopes, nil)
	}
	page, err := f.svc.List(ctx, operator, 1, "")
	if err != nil || page.NextCursor == "" {
		t.Fatalf("first page: %v, cursor %q", err, page.NextCursor)
	}
	good := page.NextCursor
	if _, err := f.svc.List(ctx, operator, 1, good); err != nil {
		t.Fatalf("the cursor as issued: %v", err)
	}
	position, mac, _ := strings.Cut(good, ".")
	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	tests := map[string]struct {
		caller keys.Caller
		cursor string
	}{
		"one position byte changed": {operator, flip(position, len(position)/2) + "." + mac},
		"one MAC byte changed":      {operator, position + "." + flip(mac, 3)},
		"no MAC":                    {operator, position},
		"another user's":            {keys.OperatorCaller("ops", "bob"), good},
		"extra text":                {operator, good + "x"},
		"garbage":                   {operator, "garbage"},
		"too long":                  {operator, strings.Repeat("A", 2048)},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := f.svc.List(ctx, tt.caller, 1, tt.cursor)
			if !apperr.Is(err, apperr.BadRequest) {
				t.Errorf("got %v, want BAD_REQUEST", err)
			}
		})
	}
}

func TestRotateCopiesTheKey(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	exp := f.now.Add(time.Hour)
	_, old := f.key(t, "svc", []keys.Scope{keys.ScopeRead, keys.ScopeWrite}, &exp)
	rot, err := f.svc.Rotate(ctx, operator, old.ID, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := rot.Key
	if got.ID == old.ID || got.Hash == old.Hash || got.Start == old.Start || rot.Token == "" {
		t.Errorf("got id %s hash %s start %s, want a new token's", got.ID, got.Hash, got.Start)
	}
	if got.Name != old.Name || !slices.Equal(got.Scopes, old.Scopes) || !got.ExpiresAt.Equal(*old.ExpiresAt) {
		t.Errorf("got %+v, want the old key's name, scopes and expiry", got)
	}
	stored, err := f.st.GetKey(ctx, "alice", got.ID)
	if err != nil || stored.Name != old.Name {
		t.Errorf("stored successor: %+v, %v", stored, err)
	}
}
