package templatecheck_test

import (
	"slices"
	"strings"
	"testing"

	"keygate/dev/samtemplate"
	"keygate/shared/routes"
)

// routeString is a route as "METHOD PATH FUNCTION AUTH" for comparison.
func routeString(method, path, function string, authorized bool) string {
	auth := "key"
	if !authorized {
		auth = "none"
	}
	return method + " " + path + " " + function + " " + auth
}

// TestRoutesMatchTheRouteTable: the template's API events are exactly the
// route table's routes (shared/routes), with the same function and auth,
// both ways: the policy and the functions' muxes read that table.
func TestRoutesMatchTheRouteTable(t *testing.T) {
	var want []string
	for _, r := range routes.All() {
		want = append(want, routeString(r.Method, r.Path, r.Function, r.Auth == routes.Key))
	}
	var got []string
	for _, r := range loadTemplate(t, nil).Routes {
		got = append(got, routeString(r.Method, r.Path, r.FunctionID, r.Authorized))
	}
	for _, r := range got {
		if !slices.Contains(want, r) {
			t.Errorf("template route %q is not in shared/routes", r)
		}
	}
	for _, r := range want {
		if !slices.Contains(got, r) {
			t.Errorf("route %q of shared/routes is not in the template", r)
		}
	}
}

// TestAuthorizerIsDefault: the REQUEST authorizer guards every route but the public ones.
func TestAuthorizerIsDefault(t *testing.T) {
	tpl := loadTemplate(t, map[string]string{"AuthorizerCacheTtl": "300"})
	a := tpl.Authorizer
	checks := []struct {
		name      string
		got, want any
	}{
		{"name", a.Name, "KeygateAuthorizer"},
		{"function", a.FunctionID, "AuthorizerFunction"},
		{"payload type", a.PayloadType, "REQUEST"},
		{"identity headers", strings.Join(a.IdentityHeaders, ","), "Authorization"},
		// The source address is in the cache key, for keys with an IP allowlist.
		{"identity context", strings.Join(a.IdentityContext, ","), "identity.sourceIp"},
		{"TTL from AuthorizerCacheTtl", a.TTLSeconds, 300},
		{"API", tpl.API, "KeygateApi"},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got %v, want %v", c.got, c.want)
			}
		})
	}
	t.Run("TTL default 0", func(t *testing.T) {
		if got := loadTemplate(t, nil).Authorizer.TTLSeconds; got != 0 {
			t.Errorf("got %v, want %v", got, 0)
		}
	})
	var public []string
	for _, r := range routes.All() {
		if r.Auth == routes.Public {
			public = append(public, r.Pattern())
		}
	}
	if want := []string{"GET /open/global/config", "GET /open/_document", "GET /open/console", "GET /open/console/app.js", "GET /open/console/app.css", "GET /open/console/signin.json", "GET /open/.well-known/jwks.json"}; !slices.Equal(public, want) {
		t.Errorf("public routes: got %v, want %v", public, want)
	}
	for _, r := range tpl.Routes {
		t.Run(r.Method+" "+r.Path, func(t *testing.T) {
			wantAuth := !slices.Contains(public, r.Method+" "+r.Path)
			if r.Authorized != wantAuth {
				t.Errorf("authorized: got %v, want %v", r.Authorized, wantAuth)
			}
			if wantAuth && r.Authorizer != a.Name {
				t.Errorf("authorizer: got %q, want %q", r.Authorizer, a.Name)
			}
		})
	}
}

// TestCors: browsers may call the API from the configured origin; preflight needs no key.
func TestCors(t *testing.T) {
	c := loadTemplate(t, map[string]string{"CorsAllowOrigin": "https://app.example.com"}).Cors
	if got, want := samtemplate.Unquote(c.AllowOrigin), "https://app.example.com"; got != want {
		t.Errorf("AllowOrigin: got %v, want %v", got, want)
	}
	for _, h := range []string{"Authorization", "Content-Type"} {
		if !strings.Contains(c.AllowHeaders, h) {
			t.Errorf("AllowHeaders %s: missing %s", c.AllowHeaders, h)
		}
	}
	for _, m := range []string{"GET", "POST", "PATCH", "DELETE"} {
		if !strings.Contains(c.AllowMethods, m) {
			t.Errorf("AllowMethods %s: missing %s", c.AllowMethods, m)
		}
	}
}
