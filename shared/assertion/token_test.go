package assertion

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"keygate/shared/access"
	"keygate/shared/keys"
)

func testSigner(tb testing.TB, lifetime time.Duration) (*Signer, Keys) {
	tb.Helper()
	h, err := NewHolder(context.Background(), func(context.Context) ([]byte, error) {
		return []byte(`{"seed":"` + testSeed + `"}`), nil
	}, time.Unix(0, 0), nil)
	if err != nil {
		tb.Fatal(err)
	}
	return NewSigner(h, "https://api.example.com/v1", "https://upstream.example.com", lifetime), h.Keys()
}

func TestAssert(t *testing.T) {
	s, ks := testSigner(t, 6*time.Minute)
	now := time.Unix(1_800_000_000, 0)
	ws := []access.WorkspaceRole{{WorkspaceID: "ws1", Role: keys.RoleOwner}, {WorkspaceID: "ws2", Role: keys.RoleReadOnly}}
	tests := []struct {
		name     string
		ws       []access.WorkspaceRole
		overflow bool
		wantWS   map[string]any
	}{
		{"with workspaces", ws, false, map[string]any{"ws1": "owner", "ws2": "readOnly"}},
		{"without workspaces", nil, false, map[string]any{}},
		{"overflow", ws, true, map[string]any{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := s.For(Claims{UserID: "u1", KeyID: "k1", Scopes: []keys.Scope{keys.ScopeRead, keys.ScopeWrite}}, now)
			n := r.AssertionLen(tt.ws, tt.overflow)
			tok, err := r.Assert(tt.ws, tt.overflow)
			if err != nil {
				t.Fatal(err)
			}
			if len(tok) != n {
				t.Errorf("AssertionLen %d, token has %d", n, len(tok))
			}
			h, c := verified(t, tok, jwksOf(ks))
			if h["alg"] != "EdDSA" || h["typ"] != "JWT" || h["kid"] != ks.Signing(now).ID {
				t.Errorf("header %v", h)
			}
			want := map[string]any{
				"iss": "https://api.example.com/v1", "aud": "https://upstream.example.com",
				"sub": "u1", "keyId": "k1", "scopes": []any{"read", "write"}, "workspaces": tt.wantWS,
				"iat": float64(now.Unix()), "exp": float64(now.Add(6 * time.Minute).Unix()),
			}
			if tt.overflow {
				want["workspacesOverflow"] = true
			}
			gotJSON, _ := json.Marshal(c)
			wantJSON, _ := json.Marshal(want)
			if string(gotJSON) != string(wantJSON) {
				t.Errorf("claims\n got %s\nwant %s", gotJSON, wantJSON)
			}
		})
	}
	t.Run("claims issuer overrides the signer's", func(t *testing.T) {
		tok, _ := s.For(Claims{Issuer: "https://custom.example.com", UserID: "u1", KeyID: "k1"}, now).Assert(nil, false)
		if _, c := verified(t, tok, jwksOf(ks)); c["iss"] != "https://custom.example.com" {
			t.Errorf("iss %v", c["iss"])
		}
	})
	t.Run("an issuer that needs escaping is escaped", func(t *testing.T) {
		tok, _ := s.For(Claims{Issuer: `https://x.example.com/"é`, UserID: "u1", KeyID: "k1"}, now).Assert(nil, false)
		if _, c := verified(t, tok, jwksOf(ks)); c["iss"] != `https://x.example.com/"é` {
			t.Errorf("iss %v", c["iss"])
		}
	})
}

// TestAllowWithAssertion checks the assertion in an Allow's context and that
// the response stays within API Gateway's result size in every policy mode.
func TestAllowWithAssertion(t *testing.T) {
	s, ks := testSigner(t, 6*time.Minute)
	now := time.Unix(1_800_000_000, 0)
	base := "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/v1"
	for _, tt := range []struct {
		name       string
		workspaces int
		wantMode   access.Mode
	}{
		{"few workspaces", 3, access.ModeExact},
		{"many workspaces", 60, access.ModeWorkspaceWildcard},
		{"too many workspaces", 400, access.ModeOverflow},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var ms []keys.Membership
			for i := range tt.workspaces {
				ms = append(ms, keys.Membership{UserID: "u1", WorkspaceID: "workspace-xxxxxxxx-" + strconv.Itoa(i), Role: keys.RoleAdmin})
			}
			scopes := []keys.Scope{keys.ScopeRead, keys.ScopeWrite}
			r, err := access.Allow(base, access.Grant{UserID: "u1", KeyID: "k1", Scopes: scopes, Memberships: ms,
				Asserter: s.For(Claims{UserID: "u1", KeyID: "k1", Scopes: scopes}, now)})
			if err != nil {
				t.Fatal(err)
			}
			if r.Mode != tt.wantMode {
				t.Errorf("mode %v, want %v", r.Mode, tt.wantMode)
			}
			b, _ := json.Marshal(r.Response)
			if len(b) > access.SizeBudget {
				t.Errorf("response %d bytes, over the budget %d", len(b), access.SizeBudget)
			}
			tok, _ := r.Response.Context[access.KeyAssertion].(string)
			_, c := verified(t, tok, jwksOf(ks))
			id, err := access.IdentityFromAuthorizer(r.Response.Context)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := c["workspaces"].(map[string]any)
			if len(got) != len(id.Workspaces) {
				t.Errorf("assertion has %d workspaces, context %d", len(got), len(id.Workspaces))
			}
			if (c["workspacesOverflow"] == true) != id.WorkspacesOverflow {
				t.Errorf("assertion overflow %v, context %v", c["workspacesOverflow"], id.WorkspacesOverflow)
			}
		})
	}
}

// TestAssertionNeverOutlivesTheToken: an assertion made for an access
// token expires at the token's exp when that comes before its own
// lifetime's end; a key's (no NotAfter) lives its lifetime.
func TestAssertionNeverOutlivesTheToken(t *testing.T) {
	s, ks := testSigner(t, 6*time.Minute)
	now := time.Unix(1_800_000_000, 0)
	for _, tt := range []struct {
		name     string
		notAfter time.Time
		wantExp  time.Time
	}{
		{"a key", time.Time{}, now.Add(6 * time.Minute)},
		{"a token expiring sooner", now.Add(2 * time.Minute), now.Add(2 * time.Minute)},
		{"a token expiring later", now.Add(time.Hour), now.Add(6 * time.Minute)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := s.For(Claims{UserID: "u1", KeyID: "t_x", NotAfter: tt.notAfter}, now)
			n := r.AssertionLen(nil, false)
			tok, err := r.Assert(nil, false)
			if err != nil || len(tok) != n {
				t.Fatalf("token of %d bytes (AssertionLen %d), %v", len(tok), n, err)
			}
			_, c := verified(t, tok, jwksOf(ks))
			if got := int64(c["exp"].(float64)); got != tt.wantExp.Unix() {
				t.Errorf("exp %d, want %d", got, tt.wantExp.Unix())
			}
		})
	}
}
