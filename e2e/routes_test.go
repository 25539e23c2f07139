package e2e

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"keygate/dev/gateway/inproc"
	"keygate/dev/samtemplate"
)

var pathParam = regexp.MustCompile(`\{[^}/]+\}`)

// TestRoutesReachTheirFunctions: every route of template.yaml reaches a
// handler of its function as the local gateway builds it (the functions'
// muxes are built from shared/routes, which dev/templatecheck's tests hold
// to the template).
func TestRoutesReachTheirFunctions(t *testing.T) {
	s := newStack(t)
	tmpl, err := samtemplate.Load(templatePath, map[string]string{"KeysTable": s.table})
	if err != nil {
		t.Fatal(err)
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
