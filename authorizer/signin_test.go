package authorizer_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"keygate/authorizer"
	"keygate/shared/access"
	"keygate/shared/assertion"
	"keygate/shared/keys"
	"keygate/shared/lambdaenv"
)

// signInLink makes a console link's key for userID as keygate console-link
// does and returns its token.
func (f *fixture) signInLink(userID string) string {
	f.tb.Helper()
	svc, err := keys.NewService(f.seed, keys.Config{CursorKey: []byte(strings.Repeat("c", 32))})
	if err != nil {
		f.tb.Fatal(err)
	}
	issued, err := svc.CreateSignInLink(f.tb.Context(), keys.OperatorCaller("ops", userID))
	if err != nil {
		f.tb.Fatal(err)
	}
	f.secrets = append(f.secrets, issued.Token, issued.Key.Hash)
	return issued.Token
}

// TestSignInLinkKeyReachesTheExchangeOnly: a console link's key is allowed
// with a policy that names the exchange and nothing else, whichever route
// asked (API Gateway caches the answer for every route), and without an
// identity assertion even on a stack with an upstream.
func TestSignInLinkKeyReachesTheExchangeOnly(t *testing.T) {
	f := newFixture(t, authorizer.Config{})
	f.user("alice", map[string]keys.Role{"ws1": keys.RoleOwner})
	link := f.signInLink("alice")
	keyFile := filepath.Join(t.TempDir(), "signing-key.json")
	if err := assertion.EnsureFile(keyFile); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"TABLE_NAME": f.table, "UPSTREAM_URL": "https://upstream.example.com", "SIGNING_KEY_FILE": keyFile}
	h, err := authorizer.Wire(t.Context(), lambdaenv.Deps{Env: lambdaenv.Map(env), Logger: testLogger(f), Now: time.Now}, f.client)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{testBase + "/POST/open/console/session"}
	for _, route := range []string{"/POST/open/console/session", "/GET/open/auth/whoami", "/GET/open/apikeys", "/POST/open/apikeys",
		"/GET/open/workspace/ws1", "/DELETE/open/workspace/ws1/items/1", "/GET/open/webhooks"} {
		t.Run(route, func(t *testing.T) {
			req := request("Bearer " + link)
			req.MethodArn = testBase + route
			resp, err := h.Handle(t.Context(), req)
			if got := decision(resp, err); got != "allow" {
				t.Fatalf("got %s (%v), want allow", got, err)
			}
			if got := resp.PolicyDocument.Statement[0].Resource; !slices.Equal(got, want) {
				t.Errorf("resources: got %v, want %v", got, want)
			}
			if a, ok := resp.Context[access.KeyAssertion]; ok {
				t.Errorf("context: got an assertion %v, want none", a)
			}
			if got := resp.Context[access.KeyScopes]; got != "" {
				t.Errorf("scopes: got %q, want none", got)
			}
		})
	}
}
