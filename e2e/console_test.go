package e2e

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"keygate/dev/testkit/oidcprovider"
	"keygate/shared/keys"
	"keygate/shared/webhooks"
)

// chromiumPath is Debian's Chromium (apt-get install chromium), or
// $CHROMIUM.
func chromiumPath(tb testing.TB) string {
	tb.Helper()
	for _, p := range []string{os.Getenv("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	tb.Fatalf("no Chromium: install it with: apt-get install -y chromium (or set CHROMIUM)")
	return ""
}

// consoleLink makes a sign-in link key for user as keygate console-link
// does, at the time at (it expires keys.SignInLinkLifetime later), and
// returns the link to the page at base and the key's token.
func (s *stack) consoleLink(tb testing.TB, base, user string, at time.Time) (link, token string) {
	tb.Helper()
	svc, err := keys.NewService(s.st, keys.Config{CursorKey: []byte(strings.Repeat("c", 32)), Now: func() time.Time { return at }})
	if err != nil {
		tb.Fatal(err)
	}
	issued, err := svc.CreateSignInLink(context.Background(), keys.OperatorCaller("test", user))
	if err != nil {
		tb.Fatal(err)
	}
	s.tokens = append(s.tokens, issued.Token)
	return base + "/open/console#key=" + url.QueryEscape(issued.Token), issued.Token
}

// TestConsoleInChromium drives the API Keys page in real Chromium through
// the local gateway (console/console.test.mjs lists the steps: sign-in by a
// link that works once, the create form's least-privilege defaults, ...) and takes a
// screenshot of the key list (UPDATE_SCREENSHOT=1 go test -run Console
// ./e2e/ writes it to docs/console.png).
func TestConsoleInChromium(t *testing.T) {
	nodeModules(t)
	browser := chromiumPath(t)
	s := newStack(t)
	s.user(t, "alice", map[string]keys.Role{"ws1": keys.RoleOwner})
	s.seedDocument(t)                         // the create form lists the document's scopes
	s.deliveries(t, webhooks.DeliverConfig{}) // the usage aggregator on the table's stream
	c := newClock(time.Now())
	srv := s.gatewayAt(t, c.now, nil)
	link, _ := s.consoleLink(t, srv.url, "alice", c.now())
	// A sign-in link that has expired: the clock passes it before the page opens it.
	expired, _ := s.consoleLink(t, srv.url, "alice", c.now().Add(time.Minute-keys.SignInLinkLifetime))
	c.add(2 * time.Minute)
	// The README's picture: docs/console.png with UPDATE_SCREENSHOT=1, a
	// scratch file otherwise, so a test run leaves the tree as it was.
	screenshot := filepath.Join(t.TempDir(), "console.png")
	usageShot := filepath.Join(t.TempDir(), "usage.png")
	if os.Getenv("UPDATE_SCREENSHOT") == "1" {
		for _, p := range []*string{&screenshot, &usageShot} {
			abs, err := filepath.Abs(filepath.Join("..", "docs", filepath.Base(*p)))
			if err != nil {
				t.Fatal(err)
			}
			*p = abs
		}
	}
	cmd := exec.CommandContext(t.Context(), "node", filepath.Join("console", "console.test.mjs"))
	cmd.Env = append(os.Environ(), "KEYGATE_URL="+srv.url, "CONSOLE_LINK="+link, "EXPIRED_LINK="+expired,
		"CHROMIUM="+browser, "SCREENSHOT="+screenshot, "USAGE_SCREENSHOT="+usageShot)
	out, err := cmd.CombinedOutput()
	t.Logf("console.test.mjs:\n%s", out)
	if err != nil {
		t.Fatalf("the browser test failed: %v", err)
	}
	if !strings.Contains(string(out), "ok   no script error on the page") {
		t.Fatalf("the browser test did not run every step")
	}
	for _, shot := range []string{screenshot, usageShot} {
		png, err := os.ReadFile(shot)
		if err != nil || len(png) < 1000 || string(png[1:4]) != "PNG" {
			t.Errorf("screenshot %s: %d bytes (%v), want a PNG", shot, len(png), err)
		}
	}
}

// TestConsoleProviderSignInInChromium drives the API Keys page's sign-in
// with the OpenID provider in real Chromium (console/provider.test.mjs):
// authorization code with PKCE against the stand-in provider, no client
// secret, the access token in the tab's sessionStorage only, the list read
// with it, and a forged return refused.
func TestConsoleProviderSignInInChromium(t *testing.T) {
	nodeModules(t)
	browser := chromiumPath(t)
	p := oidcprovider.New(t, "keygate-api")
	p.SetSignIn(oidcprovider.SignIn{ClientID: "console", Subject: "alice", Scope: "openid read write admin webhook"})
	s := newStack(t)
	s.user(t, "alice", map[string]keys.Role{"ws1": keys.RoleOwner})
	s.key(t, "alice")
	srv := s.gateway(t, map[string]string{"JwtIssuer": p.URL, "JwtAudience": "keygate-api", "JwtConsoleClientId": "console"})
	cmd := exec.CommandContext(t.Context(), "node", filepath.Join("console", "provider.test.mjs"))
	cmd.Env = append(os.Environ(), "KEYGATE_URL="+srv.url, "PROVIDER_URL="+p.URL, "CHROMIUM="+browser)
	out, err := cmd.CombinedOutput()
	t.Logf("provider.test.mjs:\n%s", out)
	if err != nil {
		t.Fatalf("the browser test failed: %v", err)
	}
	if !strings.Contains(string(out), "ok   no script error on the page") {
		t.Fatalf("the browser test did not run every step")
	}
}
