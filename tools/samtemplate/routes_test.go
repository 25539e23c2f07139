package samtemplate_test

import (
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"keygate/tools/samtemplate"
)

// designRoute is one row of the design's route table, expanded per method.
type designRoute struct {
	Method, Path, FunctionID string
	Authorized               bool
}

func (r designRoute) String() string {
	auth := "key"
	if !r.Authorized {
		auth = "none"
	}
	return r.Method + " " + r.Path + " " + r.FunctionID + " " + auth
}

// publicExtras are routes the template serves beyond design.md's table: issue 5 adds the
// public API document, served by the config function.
var publicExtras = []designRoute{
	{Method: "GET", Path: "/open/_document", FunctionID: "ConfigFunction", Authorized: false},
}

// designFunctions maps the design table's function column to logical IDs.
var designFunctions = map[string]string{
	"config": "ConfigFunction", "identity": "IdentityFunction", "apikeys": "ApiKeysFunction",
}

var designRow = regexp.MustCompile("^\\| `([A-Z, ]+) (/[^`]+)` \\| ([a-z]+)[^|]*\\| ([a-z]+)")

// parseDesignRoutes reads the "HTTP API" route table of design.md.
func parseDesignRoutes(tb testing.TB, text string) []string {
	tb.Helper()
	_, section, ok := strings.Cut(text, "## HTTP API")
	if !ok {
		tb.Fatal("design.md has no \"## HTTP API\" section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var out []string
	for _, line := range strings.Split(section, "\n") {
		m := designRow.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		fn, ok := designFunctions[m[4]]
		if !ok {
			tb.Fatalf("design.md: unknown function %q in %q", m[4], line)
		}
		for _, method := range strings.Split(m[1], ",") {
			out = append(out, designRoute{Method: strings.TrimSpace(method), Path: m[2], FunctionID: fn,
				Authorized: m[3] != "none"}.String())
		}
	}
	if len(out) == 0 {
		tb.Fatal("design.md: no routes found in the HTTP API table")
	}
	slices.Sort(out)
	return out
}

// expectedRoutes returns the design's routes from testdata, checked against design.md itself
// when ../shared is present.
func expectedRoutes(tb testing.TB) []string {
	tb.Helper()
	var want []string
	for _, line := range strings.Split(string(readFile(tb, filepath.Join("testdata", "design-routes.txt"))), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			want = append(want, line)
		}
	}
	slices.Sort(want)
	if p := sharedFile(tb, "design.md"); p != "" {
		got := parseDesignRoutes(tb, string(readFile(tb, p)))
		if !slices.Equal(got, want) {
			tb.Fatalf("testdata/design-routes.txt is out of date with %s:\n got %v\nwant %v", p, want, got)
		}
	}
	for _, r := range publicExtras {
		want = append(want, r.String())
	}
	slices.Sort(want)
	return want
}

func templateRoutes(routes []samtemplate.Route) []string {
	out := make([]string, 0, len(routes))
	for _, r := range routes {
		out = append(out, designRoute{r.Method, r.Path, r.FunctionID, r.Authorized}.String())
	}
	slices.Sort(out)
	return out
}

// TestRoutesMatchDesign: every route of the template is in the design's route table (plus
// issue 5's public document) with the right function and auth, and vice versa.
func TestRoutesMatchDesign(t *testing.T) {
	want := expectedRoutes(t)
	got := templateRoutes(loadTemplate(t, nil).Routes)
	for _, r := range got {
		if !slices.Contains(want, r) {
			t.Errorf("template route %q is not in the design", r)
		}
	}
	for _, r := range want {
		if !slices.Contains(got, r) {
			t.Errorf("design route %q is not in the template", r)
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
	public := []string{"GET /open/_document", "GET /open/global/config"}
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
