package templatecheck_test

import (
	"net/http"
	"strings"
	"testing"

	"keygate/dev/samtemplate"
	"keygate/shared/httpapi"
)

// normalizeList drops the spaces around the commas of a header value list:
// the template writes "GET,POST", httpapi "GET, POST", and both mean the same.
func normalizeList(v string) string {
	parts := strings.Split(v, ",")
	for i, p := range parts {
		parts[i] = strings.TrimSpace(p)
	}
	return strings.Join(parts, ",")
}

// TestCorsMatchesHTTPAPI: the functions' CORS headers (httpapi.SetCORS) and
// API Gateway's (the template's Cors, which answers preflight, and the
// gateway responses) are two sources of the same values; they must agree.
func TestCorsMatchesHTTPAPI(t *testing.T) {
	tpl := loadTemplate(t, map[string]string{"CorsAllowOrigin": "https://app.example.com"})
	h := make(http.Header)
	httpapi.SetCORS(h, "https://app.example.com")
	tests := []struct {
		name, got, want string
	}{
		{"AllowOrigin", samtemplate.Unquote(tpl.Cors.AllowOrigin), h.Get("Access-Control-Allow-Origin")},
		{"AllowHeaders", normalizeList(samtemplate.Unquote(tpl.Cors.AllowHeaders)), normalizeList(h.Get("Access-Control-Allow-Headers"))},
		{"AllowMethods", normalizeList(samtemplate.Unquote(tpl.Cors.AllowMethods)), normalizeList(h.Get("Access-Control-Allow-Methods"))},
		{"MaxAge", samtemplate.Unquote(tpl.Cors.MaxAge), h.Get("Access-Control-Max-Age")},
	}
	for typ, gr := range tpl.GatewayResponses {
		if v, ok := gr.Headers["Access-Control-Allow-Headers"]; ok {
			tests = append(tests, struct{ name, got, want string }{
				typ + " Access-Control-Allow-Headers", normalizeList(samtemplate.Unquote(v)), normalizeList(h.Get("Access-Control-Allow-Headers")),
			})
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("template: got %q, httpapi: want %q", tt.got, tt.want)
			}
		})
	}
}
