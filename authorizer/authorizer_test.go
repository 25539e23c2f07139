package authorizer_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"keygate/authorizer"
	"keygate/shared/keys"
)

func TestHandleOutcomes(t *testing.T) {
	f := newFixture(t, authorizer.Config{})
	f.user("alice", map[string]keys.Role{"ws1": keys.RoleOwner})
	f.user("bob", nil)
	f.user("carol", nil)
	valid := f.key("alice", keys.AllScopes, nil)
	future := f.key("alice", []keys.Scope{keys.ScopeRead}, ptr(time.Now().Add(time.Hour)))
	expired := f.key("alice", keys.AllScopes, ptr(time.Now().Add(-time.Minute)))
	deleted := f.key("alice", keys.AllScopes, nil)
	if err := f.seed.DeleteKey(t.Context(), "alice", deleted.ID, nil); err != nil {
		t.Fatal(err)
	}
	disabled := f.key("bob", keys.AllScopes, nil)
	if err := f.seed.PutUser(t.Context(), keys.User{ID: "bob", Name: "bob", Disabled: true, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	orphan := f.key("carol", keys.AllScopes, nil)
	f.deleteUserItem("carol")
	wrongSecret := forgeToken(valid.ID, strings.Repeat("Z", 43))
	unknown := forgeToken("NeverCreatedKey0", strings.Repeat("a", 43))
	f.secrets = append(f.secrets, wrongSecret, unknown)

	tests := []struct {
		name          string
		auth          string
		want          string // allow, deny, unauthorized
		wantReason    string
		wantPrincipal string
		wantCalls     []string
		usageOf       [2]string // user, key whose usage must change by wantUsage
		wantUsage     int64
	}{
		{"valid key", "Bearer " + valid.Token, "allow", "", "alice", []string{"UpdateItem", "Query"}, [2]string{"alice", valid.ID}, 1},
		{"valid key with future expiry", "Bearer " + future.Token, "allow", "", "alice", []string{"UpdateItem", "Query"}, [2]string{"alice", future.ID}, 1},
		{"missing header", "", "unauthorized", "", "", nil, [2]string{"alice", valid.ID}, 0},
		{"empty value", " ", "unauthorized", "", "", nil, [2]string{"alice", valid.ID}, 0},
		{"scheme only", "Bearer", "unauthorized", "", "", nil, [2]string{"alice", valid.ID}, 0},
		{"other scheme", "Basic " + valid.Token, "unauthorized", "", "", nil, [2]string{"alice", valid.ID}, 0},
		{"no scheme", valid.Token, "unauthorized", "", "", nil, [2]string{"alice", valid.ID}, 0},
		{"scheme without space", "Bearer" + valid.Token, "unauthorized", "", "", nil, [2]string{"alice", valid.ID}, 0},
		{"malformed token", "Bearer sk_notakey", "unauthorized", "", "", nil, [2]string{"alice", valid.ID}, 0},
		{"bad checksum", "Bearer " + otherLastChar(valid.Token), "unauthorized", "", "", nil, [2]string{"alice", valid.ID}, 0},
		{"wrong prefix", "Bearer pk" + valid.Token[2:], "unauthorized", "", "", nil, [2]string{"alice", valid.ID}, 0},
		{"token with trailing garbage", "Bearer " + valid.Token + " extra", "unauthorized", "", "", nil, [2]string{"alice", valid.ID}, 0},
		{"unknown key", "Bearer " + unknown, "deny", "KEY_INVALID", "anonymous", []string{"UpdateItem"}, [2]string{"alice", valid.ID}, 0},
		{"wrong secret", "Bearer " + wrongSecret, "deny", "KEY_INVALID", "anonymous", []string{"UpdateItem"}, [2]string{"alice", valid.ID}, 0},
		{"deleted key", "Bearer " + deleted.Token, "deny", "KEY_INVALID", "anonymous", []string{"UpdateItem"}, [2]string{"alice", valid.ID}, 0},
		{"expired key", "Bearer " + expired.Token, "deny", "KEY_EXPIRED", "alice", []string{"UpdateItem"}, [2]string{"alice", expired.ID}, 0},
		{"disabled user", "Bearer " + disabled.Token, "deny", "USER_DISABLED", "bob", []string{"UpdateItem"}, [2]string{"bob", disabled.ID}, 0},
		// The user's profile is gone but the key item remains: the key
		// verified (and was counted) before the Query found no user.
		{"missing user", "Bearer " + orphan.Token, "deny", "USER_DISABLED", "carol", []string{"UpdateItem", "Query"}, [2]string{"carol", orphan.ID}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := f.stored(tt.usageOf[0], tt.usageOf[1])
			f.calls.take()
			resp, err := f.h.Handle(t.Context(), request(tt.auth))
			calls := f.calls.take()
			if got := decision(resp, err); got != tt.want {
				t.Fatalf("got %s (%v), want %s", got, err, tt.want)
			}
			if !slices.Equal(calls, tt.wantCalls) {
				t.Errorf("got DynamoDB calls %v, want %v", calls, tt.wantCalls)
			}
			if tt.want != "unauthorized" {
				if resp.PrincipalID != tt.wantPrincipal {
					t.Errorf("got principalId %q, want %q", resp.PrincipalID, tt.wantPrincipal)
				}
				if got, _ := resp.Context["reason"].(string); got != tt.wantReason {
					t.Errorf("got reason %q, want %q", got, tt.wantReason)
				}
			}
			if tt.want == "deny" {
				st := resp.PolicyDocument.Statement[0]
				if !slices.Equal(st.Resource, []string{testBase + "/*/*"}) || len(resp.Context) != 1 {
					t.Errorf("got deny %+v context %v, want Deny of %s/*/* with only a reason", st, resp.Context, testBase)
				}
			}
			after := f.stored(tt.usageOf[0], tt.usageOf[1])
			if got := after.UsageCount - before.UsageCount; got != tt.wantUsage {
				t.Errorf("got usageCount change %d, want %d", got, tt.wantUsage)
			}
			lastUsedChanged := !timesEqual(before.LastUsedAt, after.LastUsedAt)
			if lastUsedChanged != (tt.wantUsage == 1) {
				t.Errorf("got lastUsedAt %v -> %v, want changed=%v", before.LastUsedAt, after.LastUsedAt, tt.wantUsage == 1)
			}
		})
	}
}

// otherLastChar returns token with its last checksum character replaced by
// a different one, so the checksum never matches whatever the token is.
func otherLastChar(token string) string {
	last := token[len(token)-1]
	repl := byte('x')
	if last == repl {
		repl = 'y'
	}
	return token[:len(token)-1] + string(repl)
}

func timesEqual(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

func TestHandleHeaderRules(t *testing.T) {
	f := newFixture(t, authorizer.Config{})
	f.user("alice", nil)
	k := f.key("alice", keys.AllScopes, nil)
	tok := k.Token
	tests := []struct {
		name    string
		headers map[string]string
		multi   map[string][]string
		want    string
	}{
		{"canonical", map[string]string{"Authorization": "Bearer " + tok}, map[string][]string{"Authorization": {"Bearer " + tok}}, "allow"},
		{"lower-case scheme", map[string]string{"Authorization": "bearer " + tok}, nil, "allow"},
		{"upper-case scheme", map[string]string{"Authorization": "BEARER " + tok}, nil, "allow"},
		{"several spaces", map[string]string{"Authorization": "Bearer    " + tok}, nil, "allow"},
		{"tab", map[string]string{"Authorization": "Bearer\t" + tok}, nil, "allow"},
		{"surrounding spaces", map[string]string{"Authorization": "  Bearer " + tok + "  "}, nil, "allow"},
		{"lower-case header name", map[string]string{"authorization": "Bearer " + tok}, nil, "allow"},
		{"upper-case header name", map[string]string{"AUTHORIZATION": "Bearer " + tok}, nil, "allow"},
		{"only multiValueHeaders", nil, map[string][]string{"authorization": {"Bearer " + tok}}, "allow"},
		{"names differ in case between maps", map[string]string{"Authorization": "Bearer " + tok}, map[string][]string{"authorization": {"Bearer " + tok}}, "allow"},
		{"two values", map[string]string{"Authorization": "Bearer " + tok}, map[string][]string{"Authorization": {"Bearer " + tok, "Bearer " + tok}}, "unauthorized"},
		{"two header names", map[string]string{"Authorization": "Bearer " + tok, "authorization": "Bearer " + tok}, nil, "unauthorized"},
		{"two multi names", nil, map[string][]string{"Authorization": {"Bearer " + tok}, "authorization": {"Bearer " + tok}}, "unauthorized"},
		{"maps disagree", map[string]string{"Authorization": "Bearer " + tok}, map[string][]string{"Authorization": {"Bearer sk_other"}}, "unauthorized"},
		{"empty multi value", nil, map[string][]string{"Authorization": {""}}, "unauthorized"},
		{"empty multi list", nil, map[string][]string{"Authorization": {}}, "unauthorized"},
		{"other header only", map[string]string{"X-Authorization": "Bearer " + tok}, nil, "unauthorized"},
		{"nil maps", nil, nil, "unauthorized"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := request("")
			req.Headers, req.MultiValueHeaders = tt.headers, tt.multi
			f.calls.take()
			resp, err := f.h.Handle(t.Context(), req)
			if got := decision(resp, err); got != tt.want {
				t.Fatalf("got %s (%v), want %s", got, err, tt.want)
			}
			if calls := f.calls.take(); tt.want == "unauthorized" && len(calls) != 0 {
				t.Errorf("got DynamoDB calls %v, want none", calls)
			}
		})
	}
}

func TestHandlePolicyByRoleAndScope(t *testing.T) {
	f := newFixture(t, authorizer.Config{})
	f.user("alice", map[string]keys.Role{"ws-own": keys.RoleOwner, "ws-adm": keys.RoleAdmin, "ws-ro": keys.RoleReadOnly})
	r := func(method, path string) string { return testBase + "/" + method + path }
	whoami := []string{r("GET", "/open/auth/whoami")}
	keyRoutes := []string{r("*", "/open/apikeys"), r("*", "/open/apikeys/*"), r("GET", "/open/audit")}
	ws := func(adm, own, ro string) []string { // in workspace id order: ws-adm, ws-own, ws-ro
		var out []string
		for _, w := range [][2]string{{adm, "ws-adm"}, {own, "ws-own"}, {ro, "ws-ro"}} {
			if w[0] != "" {
				out = append(out, r(w[0], "/open/workspace/"+w[1]), r(w[0], "/open/workspace/"+w[1]+"/*"))
			}
		}
		return out
	}
	R, W, A := keys.ScopeRead, keys.ScopeWrite, keys.ScopeAdmin
	tests := []struct {
		name   string
		scopes []keys.Scope
		want   []string
	}{
		{"read", []keys.Scope{R}, slices.Concat(whoami, ws("GET", "GET", "GET"))},
		{"write", []keys.Scope{W}, slices.Concat(whoami, ws("*", "*", "GET"))},
		{"admin", []keys.Scope{A}, slices.Concat(whoami, keyRoutes)},
		{"read,write", []keys.Scope{R, W}, slices.Concat(whoami, ws("*", "*", "GET"))},
		{"read,admin", []keys.Scope{R, A}, slices.Concat(whoami, keyRoutes, ws("GET", "GET", "GET"))},
		{"write,admin", []keys.Scope{W, A}, slices.Concat(whoami, keyRoutes, ws("*", "*", "GET"))},
		{"read,write,admin", []keys.Scope{R, W, A}, slices.Concat(whoami, keyRoutes, ws("*", "*", "GET"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := f.key("alice", tt.scopes, nil)
			// The policy must not depend on the route asked for.
			for _, route := range []string{"/GET/open/auth/whoami", "/DELETE/open/apikeys/x", "/POST/open/workspace/ws-ro/things"} {
				req := request("Bearer " + k.Token)
				req.MethodArn = testBase + route
				resp, err := f.h.Handle(t.Context(), req)
				if got := decision(resp, err); got != "allow" {
					t.Fatalf("got %s (%v), want allow", got, err)
				}
				if got := resp.PolicyDocument.Statement[0].Resource; !slices.Equal(got, tt.want) {
					t.Errorf("%s: got resources\n%s\nwant\n%s", route, strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
				}
				wantCtx := map[string]any{"userId": "alice", "keyId": k.ID, "scopes": tt.name, "workspaces": "ws-adm:admin,ws-own:owner,ws-ro:readOnly"}
				if len(resp.Context) != len(wantCtx) {
					t.Errorf("got context %v, want %v", resp.Context, wantCtx)
				}
				for key, v := range wantCtx {
					if resp.Context[key] != v {
						t.Errorf("context %s: got %v, want %v", key, resp.Context[key], v)
					}
				}
			}
		})
	}
}

func TestHandleConcurrentUsage(t *testing.T) {
	f := newFixture(t, authorizer.Config{Timeout: time.Minute})
	f.user("alice", map[string]keys.Role{"ws1": keys.RoleOwner})
	k := f.key("alice", keys.AllScopes, nil)
	const n = 200
	results := make(chan string, n)
	for range n {
		go func() {
			resp, err := f.h.Handle(t.Context(), request("Bearer "+k.Token))
			results <- decision(resp, err)
		}()
	}
	for range n {
		if got := <-results; got != "allow" {
			t.Errorf("got %s, want allow", got)
		}
	}
	if got := f.stored("alice", k.ID).UsageCount; got != n {
		t.Errorf("got usageCount %d, want %d", got, n)
	}
	if calls := f.calls.take(); len(calls) != 2*n {
		t.Errorf("got %d DynamoDB calls, want %d", len(calls), 2*n)
	}
}
