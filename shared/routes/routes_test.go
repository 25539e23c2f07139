package routes_test

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"keygate/shared/routes"
)

var pathParam = regexp.MustCompile(`\{[A-Za-z]+\}`)

// iamMatch is IAM's wildcard match of an execute-api resource part: * any
// run of characters, ? one.
func iamMatch(pattern, s string) bool {
	re := "^" + strings.NewReplacer(`\*`, ".*", `\?`, ".").Replace(regexp.QuoteMeta(pattern)) + "$"
	return regexp.MustCompile(re).MatchString(s)
}

func TestTable(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range routes.All() {
		t.Run(r.Pattern(), func(t *testing.T) {
			if seen[r.Pattern()] {
				t.Fatalf("route declared twice")
			}
			seen[r.Pattern()] = true
			mux := http.NewServeMux()
			mux.HandleFunc(r.Pattern(), func(http.ResponseWriter, *http.Request) {}) // panics on a bad pattern
			if r.Function == "" {
				t.Errorf("no function")
			}
			switch r.Auth {
			case routes.Public:
				if r.Grant != routes.GrantNone {
					t.Errorf("public route with grant %v: got %v, want none", r.Grant, r.Grant)
				}
			case routes.Key:
				if r.Grant == routes.GrantNone {
					t.Errorf("key route without a grant: no policy would ever allow it")
				}
			}
			concrete := pathParam.ReplaceAllString(r.Path, "x1")
			switch r.Grant {
			case routes.GrantUser:
				if !iamMatch(r.Resource.Method, r.Method) || !iamMatch(r.Resource.Path, concrete) {
					t.Errorf("resource %s%s does not cover %s %s", r.Resource.Method, r.Resource.Path, r.Method, concrete)
				}
				if strings.HasPrefix(r.Path, routes.WorkspacePrefix) {
					t.Errorf("a user route under %s: the policy's workspace resources would shadow it", routes.WorkspacePrefix)
				}
			case routes.GrantSignIn:
				if r.Resource.Method != r.Method || r.Resource.Path != r.Path {
					t.Errorf("sign-in resource %s %s: want exactly the route %s %s", r.Resource.Method, r.Resource.Path, r.Method, r.Path)
				}
				if r.Scope != "" {
					t.Errorf("sign-in route with scope %q: a link key holds none", r.Scope)
				}
			case routes.GrantWorkspace:
				if !strings.HasPrefix(r.Path, routes.WorkspacePrefix+"{workspaceId}") {
					t.Errorf("workspace route %s does not start with %s{workspaceId}", r.Path, routes.WorkspacePrefix)
				}
			}
		})
	}
}

func TestUserResources(t *testing.T) {
	got := routes.UserResources()
	want := []routes.ScopedResource{
		{Resource: routes.Resource{Method: "GET", Path: "/open/auth/whoami"}},
		{Resource: routes.Resource{Method: "*", Path: "/open/apikeys"}, Scope: "admin"},
		{Resource: routes.Resource{Method: "*", Path: "/open/apikeys/*"}, Scope: "admin"},
		{Resource: routes.Resource{Method: "GET", Path: "/open/audit"}, Scope: "admin"},
		{Resource: routes.Resource{Method: "*", Path: "/open/webhooks"}, Scope: "webhook"},
		{Resource: routes.Resource{Method: "*", Path: "/open/webhooks/*"}, Scope: "webhook"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("resource %d: got %v, want %v", i, got[i], want[i])
		}
	}
}

// TestSignInResources: a console link's key reaches the exchange and
// nothing else, and no other key's policy names it.
func TestSignInResources(t *testing.T) {
	got := routes.SignInResources()
	want := []routes.Resource{{Method: "POST", Path: "/open/console/session"}}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	for _, u := range routes.UserResources() {
		for _, r := range got {
			if iamMatch(u.Method, r.Method) && iamMatch(u.Path, r.Path) {
				t.Errorf("user resource %v covers the sign-in route %v", u.Resource, r)
			}
		}
	}
}

func TestOf(t *testing.T) {
	total := 0
	for _, fn := range []string{routes.ConfigFunction, routes.IdentityFunction, routes.ApiKeysFunction, routes.JwksFunction, routes.WebhooksFunction} {
		rs := routes.Of(fn)
		if len(rs) == 0 {
			t.Errorf("%s: no routes", fn)
		}
		for _, r := range rs {
			if r.Function != fn {
				t.Errorf("Of(%s) returned %s of %s", fn, r.Pattern(), r.Function)
			}
		}
		total += len(rs)
	}
	if total != len(routes.All()) {
		t.Errorf("routes of the five functions: got %d, want all %d", total, len(routes.All()))
	}
}
