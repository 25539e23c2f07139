package access

import (
	"encoding/json"
	"keygate/shared/keys"
	"strings"
	"testing"
)

// FuzzPolicy builds policies from arbitrary memberships, ids and scopes and
// checks that every Allow resource is one the caller may have, that no
// wildcard stands where a workspace id goes (outside the size fallback, whose
// single workspace wildcard is checked against the roles), and that the
// response stays within SizeBudget and reads back.
//
// Input: workspaces as "id:role;id:role", scopes as "read,write", user and key
// ids, and a count that repeats the list to reach the size fallback.
func FuzzPolicy(f *testing.F) {
	f.Add("u1", "k1", "read,write,admin", "ws1:owner;ws2:readOnly;ws3:admin", uint8(1))
	f.Add("u1", "k1", "read", "ws1:owner", uint8(1))
	f.Add("u1", "k1", "", "", uint8(0))
	f.Add("u1", "k1", "write", "*:owner;ws/x:admin;a*b:readOnly;..:owner", uint8(1))
	f.Add("u1", "k1", "admin,bogus", "ws1:root;ws1:owner;ws1:readOnly", uint8(2))
	f.Add("u 1", "k1", "read", "ws1:owner", uint8(1))
	f.Add("clx9q2w3e4r5t6y7u8i9o0p1a", "AbCdEfGh12345678", "read,write,admin", "clx9q2w3e4r5t6y7u8i9o0p1a:owner", uint8(200))
	f.Add("u1", "k1", "read", strings.Repeat("w", 64)+":readOnly", uint8(255))
	f.Fuzz(func(t *testing.T, userID, keyID, scopeList, wsList string, repeat uint8) {
		var scopes []keys.Scope
		for s := range strings.SplitSeq(scopeList, ",") {
			scopes = append(scopes, keys.Scope(s))
		}
		var ms []keys.Membership
		for i := 0; i < int(repeat); i++ {
			for e := range strings.SplitSeq(wsList, ";") {
				id, role, _ := strings.Cut(e, ":")
				if i > 0 && id != "" {
					id = id + "-" + string(rune('a'+i%26)) + strings.Repeat("x", i/26)
				}
				ms = append(ms, keys.Membership{WorkspaceID: id, Role: keys.Role(role)})
			}
		}
		r, err := Allow(testBase, Grant{UserID: userID, KeyID: keyID, Scopes: scopes, Memberships: ms})
		if !keys.ValidID(userID) || !keys.ValidID(keyID) {
			if err == nil {
				t.Fatalf("invalid ids %q %q: got Allow, want error", userID, keyID)
			}
			return
		}
		if err != nil {
			t.Fatalf("got error %v, want nil", err)
		}
		held := scopeSet(scopes)
		read, write, admin, webhook := held.has(keys.ScopeRead), held.has(keys.ScopeWrite), held.has(keys.ScopeAdmin), held.has(keys.ScopeWebhook)
		roles := map[string]keys.Role{} // first valid role per workspace id
		for _, m := range ms {
			if keys.ValidID(m.WorkspaceID) && m.Role.Valid() {
				if _, ok := roles[m.WorkspaceID]; !ok {
					roles[m.WorkspaceID] = m.Role
				}
			}
		}
		allowed := map[string]bool{testBase + "/GET/open/auth/whoami": true}
		if admin {
			allowed[testBase+"/*/open/apikeys"] = true
			allowed[testBase+"/*/open/apikeys/*"] = true
			allowed[testBase+"/GET/open/audit"] = true
		}
		if webhook {
			allowed[testBase+"/*/open/webhooks"] = true
			allowed[testBase+"/*/open/webhooks/*"] = true
		}
		wild := ""
		for id, role := range roles {
			if m := workspaceMethod(role, read, write); m != "" {
				allowed[testBase+"/"+m+"/open/workspace/"+id] = true
				allowed[testBase+"/"+m+"/open/workspace/"+id+"/*"] = true
				if m == "*" || wild == "" {
					wild = m
				}
			}
		}
		for _, res := range r.Response.PolicyDocument.Statement[0].Resource {
			if allowed[res] {
				continue
			}
			if r.Mode != ModeExact && wild != "" && res == testBase+"/"+wild+"/open/workspace/*" {
				continue
			}
			t.Fatalf("resource %q not in the caller's allowed set (mode %v)", res, r.Mode)
		}
		for _, res := range r.Response.PolicyDocument.Statement[0].Resource {
			after, ok := strings.CutPrefix(res, testBase+"/")
			if !ok {
				t.Fatalf("resource %q outside the API stage", res)
			}
			if _, id, ok := strings.Cut(after, "/open/workspace/"); ok && r.Mode == ModeExact {
				id, _ = strings.CutSuffix(id, "/*")
				if !keys.ValidID(id) {
					t.Fatalf("resource %q: workspace id %q is not a valid id", res, id)
				}
			}
		}
		b, err := json.Marshal(r.Response)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) > SizeBudget {
			t.Fatalf("got %d bytes, want at most %d", len(b), SizeBudget)
		}
		id, err := IdentityFromAuthorizer(authorizerMap(r.Response))
		if err != nil {
			t.Fatalf("reading back: %v", err)
		}
		if !id.WorkspacesOverflow && len(id.Workspaces) != len(roles) {
			t.Fatalf("got %d workspaces in context, want %d", len(id.Workspaces), len(roles))
		}
		for _, w := range id.Workspaces {
			if roles[w.WorkspaceID] != w.Role {
				t.Fatalf("context role of %q: got %q, want %q", w.WorkspaceID, w.Role, roles[w.WorkspaceID])
			}
		}
	})
}
