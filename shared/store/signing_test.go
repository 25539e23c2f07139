package store_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/shared/assertion"
)

// TestSigningKeys publishes a key set, rotates it and reads the JWKS's keys
// back at the moments that matter.
func TestSigningKeys(t *testing.T) {
	st, client, table := newStore(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "signing-key.json")
	if err := assertion.EnsureFile(path); err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_800_000_000, 0)
	h, err := assertion.NewHolder(ctx, assertion.FileSource(path), now, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := assertion.Publish(ctx, h.Keys(), st); err != nil {
		t.Fatal(err)
	}
	// A second start publishes nothing new.
	if err := assertion.Publish(ctx, h.Keys(), st); err != nil {
		t.Fatal(err)
	}
	first := h.Keys().Signing(now).ID
	newKid, oldKid, err := assertion.Rotate(ctx, assertion.FileDocument(path), st, now)
	if err != nil {
		t.Fatal(err)
	}
	if oldKid != first {
		t.Fatalf("rotated %s, want %s", oldKid, first)
	}
	// An authorizer started after the rotation publishes both keys again:
	// the old key's retirement must survive it.
	h2, _ := assertion.NewHolder(ctx, assertion.FileSource(path), now, nil)
	if err := assertion.Publish(ctx, h2.Keys(), st); err != nil {
		t.Fatal(err)
	}
	retired := now.Add(assertion.PublishDelay + assertion.RetainAfterRotation)
	for _, tt := range []struct {
		name string
		at   time.Time
		want []string
	}{
		{"during the rollover both keys", now, []string{first, newKid}},
		{"a second before the old key retires both keys", retired.Add(-time.Second), []string{first, newKid}},
		{"once it retires only the new key", retired, []string{newKid}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := st.SigningKeys(ctx, tt.at)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d keys, want %d", len(got), len(tt.want))
			}
			for _, want := range tt.want {
				found := false
				for _, k := range got {
					if k.KID == want {
						found = true
						if _, err := assertion.ParseJWK(k.JWK); err != nil {
							t.Errorf("stored JWK of %s: %v", want, err)
						}
					}
				}
				if !found {
					t.Errorf("kid %s missing", want)
				}
			}
		})
	}
	t.Run("no private key material in the table", func(t *testing.T) {
		set, _ := assertion.FileDocument(path).Read(ctx)
		ks, _ := assertion.ParseKeySet(set)
		for _, item := range scan(t, client, table) {
			for name, v := range item {
				for _, seed := range append([]string{ks.Seed}, ks.Previous[0].Seed) {
					if s := attrString(v); s != "" && strings.Contains(s, seed) {
						t.Errorf("attribute %s holds a seed", name)
					}
				}
			}
		}
	})
	t.Run("retiring an unknown key is an error", func(t *testing.T) {
		if err := st.RetireSigningKey(ctx, "nope", now); err == nil {
			t.Error("got nil error")
		}
	})
}

func attrString(v types.AttributeValue) string {
	if s, ok := v.(*types.AttributeValueMemberS); ok {
		return s.Value
	}
	return ""
}
