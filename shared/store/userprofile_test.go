package store_test

import (
	"context"
	"maps"
	"strings"
	"testing"

	"keygate/dev/dynamolocal"
	"keygate/dev/testkit/faults"
	"keygate/shared/apperr"
	"keygate/shared/keys"
	"keygate/shared/store"
)

func TestPutUserProfile(t *testing.T) {
	t.Parallel()
	client, table := dynamolocal.NewTestTable(t)
	calls := faults.Wrap(client)
	st := store.New(calls, table)
	ctx := context.Background()
	ptr := func(s string) *string { return &s }

	// The steps run in order on one user.
	steps := []struct {
		name    string
		profile store.UserProfile
		want    keys.User // CreatedAt is checked apart
	}{
		{"create with a name", store.UserProfile{Name: ptr("Ada")}, keys.User{ID: "u1", Name: "Ada"}},
		{"set the email only", store.UserProfile{Email: ptr("ada@example.com")}, keys.User{ID: "u1", Name: "Ada", Email: "ada@example.com"}},
		{"nothing set", store.UserProfile{}, keys.User{ID: "u1", Name: "Ada", Email: "ada@example.com"}},
		{"set both", store.UserProfile{Name: ptr("Ada L."), Email: ptr("ada@example.org")}, keys.User{ID: "u1", Name: "Ada L.", Email: "ada@example.org"}},
		{"clear the name", store.UserProfile{Name: ptr("")}, keys.User{ID: "u1", Email: "ada@example.org"}},
	}
	var created keys.User
	for _, tt := range steps {
		calls.Reset()
		got, err := st.PutUserProfile(ctx, "u1", tt.profile)
		if err != nil {
			t.Fatalf("%s: PutUserProfile: %v", tt.name, err)
		}
		if created.CreatedAt.IsZero() {
			created = got
		}
		if got.CreatedAt.IsZero() || !got.CreatedAt.Equal(created.CreatedAt) {
			t.Errorf("%s: createdAt: got %v, want %v (set once)", tt.name, got.CreatedAt, created.CreatedAt)
		}
		tt.want.CreatedAt = got.CreatedAt
		if got != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
		if stored, err := st.GetUser(ctx, "u1"); err != nil || stored != got {
			t.Errorf("%s: GetUser: got %+v, %v, want %+v as returned", tt.name, stored, err, got)
		}
		if got, want := calls.Calls(), map[faults.Op]int{faults.OpUpdateItem: 1, faults.OpGetItem: 1}; !maps.Equal(got, want) {
			t.Errorf("%s: calls: got %v, want %v (one UpdateItem, then the test's GetItem)", tt.name, got, want)
		}
	}

	long := strings.Repeat("x", 201)
	if _, err := st.PutUserProfile(ctx, "u1", store.UserProfile{Email: &long}); apperr.CodeOf(err) != apperr.BadRequest {
		t.Errorf("too long email: got %v, want %q", err, apperr.BadRequest)
	}
}

func TestProfileUpdateDoesNotReEnableAUser(t *testing.T) {
	t.Parallel()
	st, _, _ := newStore(t)
	ctx := context.Background()
	seedUser(t, st, "frank", "")
	k := testKey("frankkey00000001", "frank", st.Now())
	if err := st.CreateKey(ctx, k, nil); err != nil {
		t.Fatal(err)
	}
	disabled, err := st.SetUserDisabled(ctx, "frank", true)
	if err != nil || !disabled.Disabled {
		t.Fatalf("SetUserDisabled: got %+v, %v, want a disabled user", disabled, err)
	}
	name := "Frank"
	got, err := st.PutUserProfile(ctx, "frank", store.UserProfile{Name: &name})
	if err != nil {
		t.Fatalf("PutUserProfile: %v", err)
	}
	if !got.Disabled || got.Name != name {
		t.Errorf("PutUserProfile: got %+v, want Frank, still disabled", got)
	}
	if v, err := st.Verify(ctx, k.ID, k.Hash, st.Now()); err != nil || v.Result != keys.VerifyUserDisabled {
		t.Errorf("Verify after the profile update: got %v, %v, want %v", v.Result, err, keys.VerifyUserDisabled)
	}

	enabled, err := st.SetUserDisabled(ctx, "frank", false)
	if err != nil || enabled.Disabled || enabled.Name != name {
		t.Errorf("SetUserDisabled(false): got %+v, %v, want Frank, enabled", enabled, err)
	}
	if v, err := st.Verify(ctx, k.ID, k.Hash, st.Now()); err != nil || v.Result != keys.VerifyValid {
		t.Errorf("Verify after enabling: got %v, %v, want %v", v.Result, err, keys.VerifyValid)
	}
}
