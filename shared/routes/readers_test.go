package routes_test

import (
	"bufio"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"keygate/shared/routes"
)

// The route table's readers that Go cannot import: the API's documentation
// and the API Keys page's script. These tests hold them to the table.
const (
	apiDoc      = "../../docs/api.md"
	webhooksDoc = "../../docs/webhooks.md"
	consoleJS   = "../../functions/config/console/app.js"
)

var (
	// A route heading ("### `GET /open/apikeys/{keyId}` — read") or the
	// first cell of a route list's row ("| `GET /open/webhooks` | ... |").
	routeHeading = regexp.MustCompile("^#{2,6} `([A-Z]+) (/[^`\\s]*)`")
	routeRow     = regexp.MustCompile("^\\| `([A-Z]+) (/[^`\\s]*)` \\|")
	// Any route written in running text: "`POST /open/apikeys/{sibling}/rotate`".
	routeSpan = regexp.MustCompile("`(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY) (/[^`\\s]*)`")
	section   = regexp.MustCompile(`^## (.+)$`)
)

// docRoute is a route a document writes down: in a heading or a route
// list (documented), or anywhere in its text (mentioned).
type docRoute struct {
	pattern string // "METHOD /path", as routes.Route.Pattern writes it
	section string // the "## " section it stands in
	line    int
}

// readDoc returns the routes a Markdown document documents and the ones it
// mentions, outside code blocks.
func readDoc(tb testing.TB, path string) (documented, mentioned []docRoute) {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var (
		sec     string
		inFence bool
		sc      = bufio.NewScanner(f)
	)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.HasPrefix(line, "```") {
			inFence = !inFence
			continue
		}
		if inFence {
			continue
		}
		if m := section.FindStringSubmatch(line); m != nil {
			sec = m[1]
		}
		for _, re := range []*regexp.Regexp{routeHeading, routeRow} {
			if m := re.FindStringSubmatch(line); m != nil {
				documented = append(documented, docRoute{m[1] + " " + m[2], sec, n})
			}
		}
		for _, m := range routeSpan.FindAllStringSubmatch(line, -1) {
			mentioned = append(mentioned, docRoute{m[1] + " " + m[2], sec, n})
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return documented, mentioned
}

// tablePatterns returns the table's routes as "METHOD /path".
func tablePatterns() []string {
	var out []string
	for _, r := range routes.All() {
		out = append(out, r.Pattern())
	}
	return out
}

// shapeOf returns the route of the table that pattern names, where any
// "{...}" path segment of pattern stands for any parameter of the table's
// ("/open/apikeys/{sibling}" is "/open/apikeys/{keyId}"), and whether there
// is one. A query string is ignored.
func shapeOf(pattern string) (string, bool) {
	pattern, _, _ = strings.Cut(pattern, "?")
	method, path, _ := strings.Cut(pattern, " ")
	segs := strings.Split(path, "/")
	for _, r := range routes.All() {
		rsegs := strings.Split(r.Path, "/")
		if r.Method != method || len(rsegs) != len(segs) {
			continue
		}
		match := true
		for i := range segs {
			if segs[i] != rsegs[i] && !(isParam(segs[i]) && isParam(rsegs[i])) {
				match = false
				break
			}
		}
		if match {
			return r.Pattern(), true
		}
	}
	return "", false
}

func isParam(seg string) bool { return strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") }

func TestShapeOf(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"GET /open/apikeys", "GET /open/apikeys", true},
		{"GET /open/apikeys?limit=1", "GET /open/apikeys", true},
		{"POST /open/apikeys/{sibling}/rotate", "POST /open/apikeys/{keyId}/rotate", true},
		{"POST /open/apikeys/{}/rotate", "POST /open/apikeys/{keyId}/rotate", true},
		{"PUT /open/apikeys/{keyId}", "", false},
		{"POST /open/apikeys/abc/rotate", "", false},
		{"GET /open/apikeys/{keyId}/history", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := shapeOf(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("shapeOf(%q): got %q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// TestAPIDocListsEveryRoute: docs/api.md has a heading or a route-list row
// for every route of the table, under "Public routes" exactly for the
// public ones.
func TestAPIDocListsEveryRoute(t *testing.T) {
	documented, _ := readDoc(t, apiDoc)
	for _, r := range routes.All() {
		t.Run(r.Pattern(), func(t *testing.T) {
			i := slices.IndexFunc(documented, func(d docRoute) bool { return d.pattern == r.Pattern() })
			if i < 0 {
				t.Fatalf("docs/api.md: got no heading or route-list row for %s, want one", r.Pattern())
			}
			if got, want := documented[i].section == "Public routes", r.Auth == routes.Public; got != want {
				t.Errorf("docs/api.md:%d: under %q: got public %v, want %v", documented[i].line, documented[i].section, got, want)
			}
		})
	}
}

// TestDocsDocumentOnlyTableRoutes: every route docs/api.md and
// docs/webhooks.md document (a heading or a route-list row) is a route of
// the table, its parameters named as the table names them, and every route
// docs/api.md mentions anywhere in its text is one too.
func TestDocsDocumentOnlyTableRoutes(t *testing.T) {
	table := tablePatterns()
	for _, doc := range []string{apiDoc, webhooksDoc} {
		documented, mentioned := readDoc(t, doc)
		name := strings.TrimPrefix(doc, "../../")
		if len(documented) == 0 {
			t.Errorf("%s: got no route headings or rows, want the routes it documents", name)
		}
		for _, d := range documented {
			t.Run(name+" documents "+d.pattern, func(t *testing.T) {
				if !slices.Contains(table, d.pattern) {
					t.Errorf("%s:%d: got %s, want a route of shared/routes", name, d.line, d.pattern)
				}
			})
		}
		if doc != apiDoc {
			continue // the other pages also mention routes that are not keygate's (an upstream's, an example's)
		}
		for _, m := range mentioned {
			t.Run(name+" mentions "+m.pattern, func(t *testing.T) {
				if _, ok := shapeOf(m.pattern); !ok {
					t.Errorf("%s:%d: got %s, want a route of shared/routes", name, m.line, m.pattern)
				}
			})
		}
	}
}

// consoleCall finds the start of each call("METHOD", path, ...) of the
// page's script, up to its path argument.
var consoleCall = regexp.MustCompile(`\bcall\("([A-Z]+)",\s*`)

// consoleCalls returns the routes app.js calls: "METHOD /open/<path>" (the
// page resolves its paths against /open/).
func consoleCalls(tb testing.TB, src string) []string {
	tb.Helper()
	var out []string
	for _, loc := range consoleCall.FindAllStringSubmatchIndex(src, -1) {
		method := src[loc[2]:loc[3]]
		path, ok := jsConcat(src[loc[1]:])
		if !ok {
			tb.Fatalf("app.js: cannot read the path of call(%q, %.40s...)", method, src[loc[1]:])
		}
		out = append(out, method+" /open/"+path)
	}
	return out
}

// jsConcat reads a JavaScript argument that concatenates string literals and
// expressions ("apikeys/" + encodeURIComponent(k.id) + "/rotate") up to the
// comma or parenthesis that ends it, and returns it with each expression as
// "{}" ("apikeys/{}/rotate").
func jsConcat(s string) (string, bool) {
	var (
		b     strings.Builder
		depth int
		expr  bool // inside an expression written as {}
	)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\'' || c == '`':
			end := strings.IndexByte(s[i+1:], c)
			if end < 0 {
				return "", false
			}
			if depth == 0 {
				b.WriteString(s[i+1 : i+1+end])
			}
			i += 1 + end
		case depth == 0 && (c == ',' || c == ')'):
			return b.String(), true
		case c == '(' || c == '{' || c == '[':
			if depth == 0 && !expr {
				b.WriteString("{}")
				expr = true
			}
			depth++
		case c == ')' || c == '}' || c == ']':
			depth--
		case depth == 0 && c == '+':
			expr = false
		case depth == 0 && (c == ' ' || c == '\n' || c == '\t'):
		case depth == 0 && !expr:
			b.WriteString("{}")
			expr = true
		}
	}
	return "", false
}

func TestJSConcat(t *testing.T) {
	tests := []struct{ in, want string }{
		{`"apikeys", body);`, "apikeys"},
		{`"apikeys?" + q);`, "apikeys?{}"},
		{`"apikeys/" + encodeURIComponent(k.id) + "/rotate", { a: 1 });`, "apikeys/{}/rotate"},
		{`"audit?" + new URLSearchParams({ keyId: k.id, limit: "20" }));`, "audit?{}"},
		{`'console/session', undefined, key);`, "console/session"},
		{"(prefix + id));", "{}"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got, ok := jsConcat(tt.in); !ok || got != tt.want {
				t.Errorf("jsConcat(%q): got %q, %v, want %q, true", tt.in, got, ok, tt.want)
			}
		})
	}
}

// TestConsoleCallsTableRoutes: every request the API Keys page makes to
// keygate goes through its call() (one fetch; the other is the OpenID
// provider's token endpoint, not keygate's), and every route it calls is in
// the table.
func TestConsoleCallsTableRoutes(t *testing.T) {
	b, err := os.ReadFile(consoleJS)
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	if got := strings.Count(src, "fetch(") - strings.Count(src, "fetch(p.tokenEndpoint,"); got != 1 {
		t.Errorf("app.js: got %d fetch( calls to keygate, want 1 (in call(), so that this test reads every request)", got)
	}
	calls := consoleCalls(t, src)
	if len(calls) == 0 {
		t.Fatal("app.js: got no call(\"METHOD\", path) calls, want the page's requests")
	}
	for _, c := range calls {
		t.Run(c, func(t *testing.T) {
			if _, ok := shapeOf(c); !ok {
				t.Errorf("app.js calls %s: got no such route in shared/routes, want one", c)
			}
		})
	}
}
