package e2e

import (
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"keygate/tools/gateway/inproc"
	"keygate/tools/lambdarun"
	"keygate/tools/samtemplate"
)

// muxPatterns returns the "METHOD /path" patterns a package registers with
// HandleFunc or Handle, read from its source.
func muxPatterns(tb testing.TB, dir string) []string {
	tb.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			tb.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 2 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || (sel.Sel.Name != "HandleFunc" && sel.Sel.Name != "Handle") {
				return true
			}
			if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil {
					out = append(out, s)
				}
			}
			return true
		})
	}
	slices.Sort(out)
	return out
}

var pathParam = regexp.MustCompile(`\{[^}/]+\}`)

// TestRoutesMatchTemplate checks that every route a function's Handler()
// serves is an API event of that function in template.yaml and vice versa,
// and that each template route reaches a handler of the function.
func TestRoutesMatchTemplate(t *testing.T) {
	s := newStack(t)
	tmpl, err := samtemplate.Load(templatePath, map[string]string{"KeysTable": s.table})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range slices.Sorted(maps.Keys(lambdarun.Packages)) {
		if id == tmpl.Authorizer.FunctionID {
			continue
		}
		t.Run(id, func(t *testing.T) {
			dir := filepath.Join("..", strings.TrimSuffix(lambdarun.Packages[id], "/bootstrap"))
			var want []string
			for _, r := range tmpl.RoutesOf(id) {
				want = append(want, r.Method+" "+r.Path)
			}
			slices.Sort(want)
			got := muxPatterns(t, dir)
			if !slices.Equal(got, want) {
				t.Errorf("%s serves %v, template.yaml routes %v to it", dir, got, want)
			}
		})
	}
	t.Run("every template route reaches its function", func(t *testing.T) {
		for _, r := range tmpl.Routes {
			h := handlerOf(t, s, tmpl, r.FunctionID)
			// What the function answers when its mux has no route.
			miss := httptest.NewRecorder()
			h.ServeHTTP(miss, httptest.NewRequest("GET", "/open/no-such-route", nil))
			req := httptest.NewRequest(r.Method, pathParam.ReplaceAllString(r.Path, "x1"), strings.NewReader(`{}`))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code == http.StatusMethodNotAllowed || (rec.Code == miss.Code && rec.Body.String() == miss.Body.String()) {
				t.Errorf("%s %s: %s has no such route (got %d %s)", r.Method, r.Path, r.FunctionID, rec.Code, rec.Body.String())
			}
		}
	})
}

// handlerOf builds a function's Handler() as the local gateway does.
func handlerOf(tb testing.TB, s *stack, tmpl *samtemplate.Template, id string) http.Handler {
	tb.Helper()
	h, err := inproc.Handler(tb.Context(), tmpl, id, s.table, s.endpoint)
	if err != nil {
		tb.Fatal(err)
	}
	return h
}
