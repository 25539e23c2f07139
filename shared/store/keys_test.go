package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"keygate/shared/apikey"
	"keygate/shared/apperr"
	"keygate/shared/keys"
)

func TestKeyLifecycle(t *testing.T) {
	t.Parallel()
	st, client, table := newStore(t)
	ctx := context.Background()
	seedUser(t, st, "alice", "")
	seedUser(t, st, "bob", "")
	k := testKey("key0000000000001", "alice", st.Now())

	t.Run("create", func(t *testing.T) {
		if err := st.CreateKey(ctx, k, nil); err != nil {
			t.Fatalf("CreateKey: %v", err)
		}
	})
	t.Run("create never overwrites", func(t *testing.T) {
		dup := k
		dup.Name = "other"
		if got := apperr.CodeOf(st.CreateKey(ctx, dup, nil)); got != apperr.Conflict {
			t.Errorf("got %q, want %q", got, apperr.Conflict)
		}
		got, _ := st.GetKey(ctx, "alice", k.ID)
		if got.Name != k.Name {
			t.Errorf("name after conflicting create: got %q, want %q", got.Name, k.Name)
		}
	})
	t.Run("get own key", func(t *testing.T) {
		got, err := st.GetKey(ctx, "alice", k.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Hash != k.Hash || got.UsageCount != 0 || got.LastUsedAt != nil || !got.CreatedAt.Equal(k.CreatedAt) || len(got.Scopes) != len(keys.AllScopes) {
			t.Errorf("got %+v, want %+v", got, k)
		}
	})
	t.Run("rename", func(t *testing.T) {
		got, err := st.UpdateKey(ctx, "alice", k.ID, keys.KeyChanges{Name: ptr("CI pipeline")}, nil)
		if err != nil || got.Name != "CI pipeline" {
			t.Errorf("got %+v, %v, want renamed", got, err)
		}
	})

	hidden := []struct {
		name string
		err  error
	}{
		{"get another user's key", func() error { _, err := st.GetKey(ctx, "bob", k.ID); return err }()},
		{"rename another user's key", func() error {
			_, err := st.UpdateKey(ctx, "bob", k.ID, keys.KeyChanges{Name: ptr("x")}, nil)
			return err
		}()},
		{"delete another user's key", st.DeleteKey(ctx, "bob", k.ID, nil)},
		{"get unknown key", func() error { _, err := st.GetKey(ctx, "alice", "nope"); return err }()},
		{"get path traversal id", func() error { _, err := st.GetKey(ctx, "alice", "../KEY"); return err }()},
		{"rename unknown key", func() error {
			_, err := st.UpdateKey(ctx, "alice", "nope", keys.KeyChanges{Name: ptr("x")}, nil)
			return err
		}()},
		{"create for unknown user", st.CreateKey(ctx, testKey("key0000000000009", "ghost", st.Now()), nil)},
	}
	for _, tt := range hidden {
		t.Run(tt.name, func(t *testing.T) {
			if got := apperr.CodeOf(tt.err); got != apperr.NotFound {
				t.Errorf("got %q (%v), want %q", got, tt.err, apperr.NotFound)
			}
		})
	}
	if got, _ := st.GetKey(ctx, "alice", k.ID); got.Name != "CI pipeline" {
		t.Errorf("key changed by another user: got name %q", got.Name)
	}

	t.Run("delete", func(t *testing.T) {
		if err := st.DeleteKey(ctx, "alice", k.ID, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := st.GetKey(ctx, "alice", k.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("get after delete: got %v, want NotFound", err)
		}
		if got := apperr.CodeOf(st.DeleteKey(ctx, "alice", k.ID, nil)); got != apperr.NotFound {
			t.Errorf("second delete: got %q, want NotFound", got)
		}
	})
	if n := len(scan(t, client, table)); n != 2 {
		t.Errorf("items left: got %d, want 2 users", n)
	}
}

func TestListKeysNewestFirstWithCursor(t *testing.T) {
	t.Parallel()
	st, _, _ := newStore(t)
	ctx := context.Background()
	seedUser(t, st, "alice", "")
	seedUser(t, st, "bob", "")
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const n = 7
	for i := 0; i < n; i++ {
		k := testKey(fmt.Sprintf("alicekey%08d", i), "alice", base.Add(time.Duration(i)*time.Minute))
		if err := st.CreateKey(ctx, k, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.CreateKey(ctx, testKey("bobkey0000000001", "bob", base), nil); err != nil {
		t.Fatal(err)
	}

	var got []string
	cursor, pages := "", 0
	for {
		page, next, err := st.ListKeys(ctx, "alice", 3, cursor)
		if err != nil {
			t.Fatalf("ListKeys page %d: %v", pages, err)
		}
		pages++
		for _, k := range page {
			got = append(got, k.ID)
		}
		if next == "" {
			break
		}
		cursor = next
		if pages > n {
			t.Fatal("cursor never ends")
		}
	}
	if len(got) != n {
		t.Fatalf("listed: got %d keys %v, want %d", len(got), got, n)
	}
	for i, id := range got {
		if want := fmt.Sprintf("alicekey%08d", n-1-i); id != want {
			t.Errorf("position %d: got %s, want %s (newest first)", i, id, want)
		}
	}

	_, aliceCursor, err := st.ListKeys(ctx, "alice", 2, "")
	if err != nil || aliceCursor == "" {
		t.Fatalf("first page: %v, cursor %q", err, aliceCursor)
	}
	badCursors := map[string]string{
		"foreign cursor": aliceCursor,
		"not base64":     "!!!",
		"not json":       "bm90IGpzb24",
		"wrong fields":   "eyJ1IjoiYm9iIn0",
		"huge":           string(make([]byte, 2000)),
	}
	for name, c := range badCursors {
		t.Run(name, func(t *testing.T) {
			page, _, err := st.ListKeys(ctx, "bob", 2, c)
			if apperr.CodeOf(err) != apperr.BadRequest || page != nil {
				t.Errorf("got %v keys, err %v, want BadRequest and no keys", page, err)
			}
		})
	}
}

func TestRotateKeyIsAllOrNothing(t *testing.T) {
	t.Parallel()
	st, client, table := newStore(t)
	ctx := context.Background()
	seedUser(t, st, "alice", "")
	seedUser(t, st, "bob", "")
	old := testKey("oldkey0000000001", "alice", st.Now())
	if err := st.CreateKey(ctx, old, nil); err != nil {
		t.Fatal(err)
	}

	t.Run("with grace the old key gets an expiry", func(t *testing.T) {
		grace := st.Now().Add(time.Hour)
		next := testKey("newkey0000000001", "alice", st.Now())
		if err := st.RotateKey(ctx, "alice", old.ID, next, &grace, nil); err != nil {
			t.Fatal(err)
		}
		got, err := st.GetKey(ctx, "alice", old.ID)
		if err != nil || got.ExpiresAt == nil || !got.ExpiresAt.Equal(grace) {
			t.Errorf("old key: got %+v, %v, want expiresAt %v", got, err, grace)
		}
		if _, err := st.GetKey(ctx, "alice", next.ID); err != nil {
			t.Errorf("new key: %v", err)
		}
	})
	t.Run("without grace the old key is deleted", func(t *testing.T) {
		next := testKey("newkey0000000002", "alice", st.Now())
		if err := st.RotateKey(ctx, "alice", "newkey0000000001", next, nil, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := st.GetKey(ctx, "alice", "newkey0000000001"); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("rotated key: got %v, want NotFound", err)
		}
	})

	before := len(scan(t, client, table))
	failures := []struct {
		name string
		err  error
		want apperr.Code
	}{
		{"another user's key", st.RotateKey(ctx, "bob", "newkey0000000002", testKey("newkey0000000003", "bob", st.Now()), nil, nil), apperr.NotFound},
		{"unknown key", st.RotateKey(ctx, "alice", "missing", testKey("newkey0000000004", "alice", st.Now()), nil, nil), apperr.NotFound},
		{"new id taken", st.RotateKey(ctx, "alice", "newkey0000000002", testKey(old.ID, "alice", st.Now()), nil, nil), apperr.Conflict},
	}
	for _, tt := range failures {
		t.Run(tt.name, func(t *testing.T) {
			if got := apperr.CodeOf(tt.err); got != tt.want {
				t.Errorf("got %q (%v), want %q", got, tt.err, tt.want)
			}
		})
	}
	if after := len(scan(t, client, table)); after != before {
		t.Errorf("items after failed rotations: got %d, want %d (no partial state)", after, before)
	}
	if _, err := st.GetKey(ctx, "alice", "newkey0000000002"); err != nil {
		t.Errorf("key of failed rotation: %v, want it intact", err)
	}
}

func TestRotatingAReplacedKeyIsAConflict(t *testing.T) {
	t.Parallel()
	st, client, table := newStore(t)
	ctx := context.Background()
	seedUser(t, st, "alice", "")
	old := testKey("graceoldkey00001", "alice", st.Now())
	if err := st.CreateKey(ctx, old, nil); err != nil {
		t.Fatal(err)
	}
	grace := st.Now().Add(time.Hour)
	if err := st.RotateKey(ctx, "alice", old.ID, testKey("gracenewkey00001", "alice", st.Now()), &grace, nil); err != nil {
		t.Fatal(err)
	}
	got, err := st.GetKey(ctx, "alice", old.ID)
	if err != nil || got.ReplacedBy != "gracenewkey00001" {
		t.Fatalf("old key: got replacedBy %q, %v, want gracenewkey00001", got.ReplacedBy, err)
	}
	before := len(scan(t, client, table))
	for name, until := range map[string]*time.Time{"with grace": &grace, "without grace": nil} {
		t.Run(name, func(t *testing.T) {
			err := st.RotateKey(ctx, "alice", old.ID, testKey("gracenewkey00002", "alice", st.Now()), until, nil)
			if got := apperr.CodeOf(err); got != apperr.Conflict {
				t.Errorf("second rotation: got %q (%v), want %q", got, err, apperr.Conflict)
			}
		})
	}
	if after := len(scan(t, client, table)); after != before {
		t.Errorf("items after refused rotations: got %d, want %d", after, before)
	}
	if v, err := st.Verify(ctx, old.ID, old.Hash, st.Now()); err != nil || v.Result != keys.VerifyValid {
		t.Errorf("old key during its grace period: got %v, %v, want valid", v.Result, err)
	}
}

// TestCreateKeyRefusesDuplicateOrTooManyScopes: whoever writes a key, its
// scopes are each once and at most keys.MaxScopes.
func TestCreateKeyRefusesDuplicateOrTooManyScopes(t *testing.T) {
	st, _, _ := newStore(t)
	seedUser(t, st, "u1", "ws1")
	many := make([]keys.Scope, keys.MaxScopes+1)
	for i := range many {
		many[i] = keys.Scope(fmt.Sprintf("s:%d", i))
	}
	for _, tt := range []struct {
		name   string
		scopes []keys.Scope
	}{
		{"a duplicate", []keys.Scope{keys.ScopeRead, keys.ScopeRead}},
		{"too many", many},
	} {
		t.Run(tt.name, func(t *testing.T) {
			gen, err := apikey.Generate(apikey.DefaultPrefix)
			if err != nil {
				t.Fatal(err)
			}
			err = st.CreateKey(context.Background(), keys.NewKey(gen, "u1", "k", tt.scopes, time.Now().UTC(), nil), nil)
			if apperr.CodeOf(err) != apperr.BadRequest {
				t.Errorf("got %v, want BadRequest", err)
			}
		})
	}
}
