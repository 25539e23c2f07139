package e2e

import (
	"keygate/shared/keys"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// keyJSON is the API's key shape.
type keyJSON struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Start      string   `json:"start"`
	Scopes     []string `json:"scopes"`
	CreatedAt  string   `json:"createdAt"`
	ExpiresAt  *string  `json:"expiresAt"`
	LastUsedAt *string  `json:"lastUsedAt"`
	UsageCount int64    `json:"usageCount"`
	// AllowedCIDRs is null for a key usable from any address.
	AllowedCIDRs []string `json:"allowedCidrs"`
	APIKey       string   `json:"apiKey"`
}

// cli builds the admin CLI and returns a function that runs it against the
// stack's table and returns its stdout.
func (s *stack) cli(tb testing.TB) func(args ...string) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "keygate")
	build := exec.CommandContext(tb.Context(), "go", "build", "-o", bin, "keygate/cmd/keygate")
	if out, err := build.CombinedOutput(); err != nil {
		tb.Fatalf("go build ./cmd/keygate: %v\n%s", err, out)
	}
	return func(args ...string) string {
		tb.Helper()
		full := append([]string{"--endpoint", s.endpoint, "--table", s.table}, args...)
		cmd := exec.CommandContext(tb.Context(), bin, full...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			tb.Fatalf("keygate %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		return strings.TrimSpace(string(out))
	}
}

// findKey returns the key with id from a list response.
func findKey(tb testing.TB, r response, id string) keyJSON {
	tb.Helper()
	var list struct {
		Items []keyJSON `json:"items"`
	}
	r.decode(tb, &list)
	for _, k := range list.Items {
		if k.ID == id {
			return k
		}
	}
	tb.Fatalf("key %s not in list %s", id, r.body)
	return keyJSON{}
}

func TestUserJourney(t *testing.T) {
	s := newStack(t)
	// The template's default: no authorizer cache, every request verified
	// and counted. The authorizer and the functions read c, which the test
	// moves: no step waits for time to pass.
	c := newClock(time.Now())
	srv := s.gatewayAt(t, c.now, nil)

	// 1. An operator creates the user, workspace, membership and a key with
	// the admin CLI (the real binary, against the same DynamoDB).
	run := s.cli(t)
	run("user", "put", "alice", "--name", "Alice", "--email", "alice@example.com")
	run("workspace", "put", "ws-a", "--name", "Marketing")
	run("member", "put", "alice", "ws-a", "--role", "owner")
	first := run("key", "create", "alice", "--name", "from the CLI", "--quiet")
	s.tokens = append(s.tokens, first)

	// 2. whoami with it.
	var who struct {
		UserID     string   `json:"userId"`
		KeyID      string   `json:"keyId"`
		Scopes     []string `json:"scopes"`
		Workspaces []struct {
			WorkspaceID, Role string
		} `json:"workspaces"`
	}
	r := srv.do(t, "GET", "/open/auth/whoami", first, "")
	if r.status != 200 {
		t.Fatalf("whoami: got %d %s, want 200", r.status, r.body)
	}
	r.decode(t, &who)
	if who.UserID != "alice" || len(who.Workspaces) != 1 || who.Workspaces[0].WorkspaceID != "ws-a" || who.Workspaces[0].Role != "owner" {
		t.Errorf("whoami: got %s, want alice owning ws-a", r.body)
	}
	firstID := who.KeyID

	// 3. A second key through the API.
	r = srv.do(t, "POST", "/open/apikeys", first, `{"name":"ci"}`)
	if r.status != 201 {
		t.Fatalf("create: got %d %s, want 201", r.status, r.body)
	}
	var second keyJSON
	r.decode(t, &second)
	s.tokens = append(s.tokens, second.APIKey)
	if second.APIKey == "" || second.Name != "ci" || len(second.Scopes) != len(keys.AllScopes) {
		t.Errorf("create: got %s, want a token, name ci and all scopes", r.body)
	}

	// 4. The list shows usage moving: usageCount and lastUsedAt of the
	// first key grow with each request made with it.
	before := findKey(t, srv.do(t, "GET", "/open/apikeys", second.APIKey, ""), firstID)
	if before.UsageCount < 2 || before.LastUsedAt == nil {
		t.Errorf("first key after whoami and create: got usageCount %d lastUsedAt %v, want ≥ 2 and set", before.UsageCount, before.LastUsedAt)
	}
	c.add(time.Second) // the next request is a second later: lastUsedAt moves
	srv.do(t, "GET", "/open/auth/whoami", first, "")
	after := findKey(t, srv.do(t, "GET", "/open/apikeys", second.APIKey, ""), firstID)
	if after.UsageCount != before.UsageCount+1 {
		t.Errorf("usageCount: got %d, want %d", after.UsageCount, before.UsageCount+1)
	}
	if after.LastUsedAt == nil || *after.LastUsedAt <= *before.LastUsedAt {
		t.Errorf("lastUsedAt: got %v, want later than %s", after.LastUsedAt, *before.LastUsedAt)
	}

	// 5. Rotate the second key with a 2 s grace period: both work, then
	// only the new one.
	r = srv.do(t, "POST", "/open/apikeys/"+second.ID+"/rotate", first, `{"gracePeriodSeconds":2}`)
	if r.status != 201 {
		t.Fatalf("rotate: got %d %s, want 201", r.status, r.body)
	}
	var rotated keyJSON
	r.decode(t, &rotated)
	s.tokens = append(s.tokens, rotated.APIKey)
	if rotated.Name != "ci" || rotated.ID == second.ID {
		t.Errorf("rotate: got %s, want a new key named ci", r.body)
	}
	if r := srv.do(t, "GET", "/open/auth/whoami", second.APIKey, ""); r.status != 200 {
		t.Errorf("old key in its grace period: got %d, want 200", r.status)
	}
	if r := srv.do(t, "GET", "/open/auth/whoami", rotated.APIKey, ""); r.status != 200 {
		t.Errorf("new key: got %d, want 200", r.status)
	}
	c.add(2*time.Second + time.Millisecond)
	if r := srv.do(t, "GET", "/open/auth/whoami", second.APIKey, ""); r.status != 403 || r.body != spec403 {
		t.Errorf("old key after its grace period: got %d %s, want 403 with the spec's body", r.status, r.body)
	}
	if r := srv.do(t, "GET", "/open/auth/whoami", rotated.APIKey, ""); r.status != 200 {
		t.Errorf("new key after the grace period: got %d, want 200", r.status)
	}

	// 6. Delete under a 300 s authorizer cache: the deleted key is refused
	// on its very next request.
	cached := s.gatewayAt(t, c.now, map[string]string{"AuthorizerCacheTtl": "300"})
	for range 3 {
		if r := cached.do(t, "GET", "/open/auth/whoami", rotated.APIKey, ""); r.status != 200 {
			t.Fatalf("rotated key through the cached gateway: got %d, want 200", r.status)
		}
	}
	k, err := s.st.GetKey(t.Context(), "alice", rotated.ID)
	if err != nil {
		t.Fatal(err)
	}
	usage := k.UsageCount
	if r := cached.do(t, "GET", "/open/auth/whoami", rotated.APIKey, ""); r.status != 200 {
		t.Fatalf("cached request: got %d, want 200", r.status)
	}
	if k, _ := s.st.GetKey(t.Context(), "alice", rotated.ID); k.UsageCount != usage {
		t.Fatalf("usageCount moved from %d to %d: the authorizer cache is not on", usage, k.UsageCount)
	}
	if r := cached.do(t, "DELETE", "/open/apikeys/"+rotated.ID, first, ""); r.status != 204 && r.status != 200 {
		t.Fatalf("delete: got %d %s, want 204", r.status, r.body)
	}
	if r := cached.do(t, "GET", "/open/auth/whoami", rotated.APIKey, ""); r.status != 403 || r.body != spec403 {
		t.Errorf("deleted key, very next request: got %d %s, want 403 with the spec's body", r.status, r.body)
	}
	if r := cached.do(t, "GET", "/open/auth/whoami", first, ""); r.status != 200 {
		t.Errorf("the other key after the delete: got %d, want 200", r.status)
	}
	if _, err := s.st.GetKey(t.Context(), "alice", rotated.ID); err == nil {
		t.Error("deleted key still in the table")
	}
}
