package keys_test

import (
	"reflect"
	"testing"
	"time"

	"keygate/shared/apikey"
	"keygate/shared/keys"
)

func TestNewKeyKeepsNoToken(t *testing.T) {
	t.Parallel()
	gen, err := apikey.Generate("kg")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	exp := now.Add(time.Hour)
	tests := []struct {
		name      string
		scopes    []keys.Scope
		expiresAt *time.Time
		want      keys.Key
	}{
		{
			name: "never expires",
			want: keys.Key{ID: gen.ID, UserID: "alice", Name: "ci", Hash: gen.Hash, Start: gen.Start, CreatedAt: now},
		},
		{
			name:      "scoped, expiring",
			scopes:    []keys.Scope{keys.ScopeRead},
			expiresAt: &exp,
			want: keys.Key{ID: gen.ID, UserID: "alice", Name: "ci", Hash: gen.Hash, Start: gen.Start,
				Scopes: []keys.Scope{keys.ScopeRead}, CreatedAt: now, ExpiresAt: &exp},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := keys.NewKey(gen, "alice", "ci", tt.scopes, now, tt.expiresAt)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			if got.Hash == gen.Token {
				t.Errorf("stored hash is the token")
			}
		})
	}
}
