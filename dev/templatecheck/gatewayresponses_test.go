package templatecheck_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"keygate/dev/samtemplate"
)

// specBody returns the JSON block under heading in the spec's authentication page (the lines
// between the ```json fence and the closing fence, without the final newline).
func specBody(tb testing.TB, page, heading string) string {
	tb.Helper()
	_, after, ok := strings.Cut(page, heading)
	if !ok {
		tb.Fatalf("spec: heading %q not found", heading)
	}
	_, after, ok = strings.Cut(after, "```json\n")
	if !ok {
		tb.Fatalf("spec: no json block after %q", heading)
	}
	body, _, ok := strings.Cut(after, "\n```")
	if !ok {
		tb.Fatalf("spec: unterminated json block after %q", heading)
	}
	return body
}

// TestSpecBodies: the 401 and 403 gateway responses are the spec's bodies byte for byte, as
// the project keeps them: testdata/*.json, cut from the spec page it keeps in
// e2e/testdata/spec-000.txt (this test checks the cut too).
func TestSpecBodies(t *testing.T) {
	tpl := loadTemplate(t, nil)
	spec := filepath.Join(repoRoot(t), "e2e", "testdata", "spec-000.txt")
	cases := []struct {
		typ, heading, file string
		status             int
	}{
		{"UNAUTHORIZED", "#### 401 Unauthorized", "unauthorized.json", 401},
		{"ACCESS_DENIED", "#### 403 Forbidden", "forbidden.json", 403},
		// An Allow without a usage key the stage knows answers the same 403.
		{"INVALID_API_KEY", "#### 403 Forbidden", "forbidden.json", 403},
	}
	for _, c := range cases {
		t.Run(c.typ, func(t *testing.T) {
			want := string(readFile(t, filepath.Join("testdata", c.file)))
			if fromSpec := specBody(t, string(readFile(t, spec)), c.heading); fromSpec != want {
				t.Fatalf("testdata/%s differs from the spec page:\n got %q\nwant %q", c.file, want, fromSpec)
			}
			gr, ok := tpl.GatewayResponses[c.typ]
			if !ok {
				t.Fatalf("no %s gateway response", c.typ)
			}
			if gr.Body != want {
				t.Errorf("body: got %q, want %q", gr.Body, want)
			}
			if gr.StatusCode != c.status {
				t.Errorf("status: got %v, want %v", gr.StatusCode, c.status)
			}
		})
	}
}

// TestGatewayResponsesEnvelope: every response API Gateway produces itself is the
// {"error":{"code","message"}} envelope with the right status and CORS headers.
func TestGatewayResponsesEnvelope(t *testing.T) {
	tpl := loadTemplate(t, map[string]string{"CorsAllowOrigin": "https://app.example.com"})
	cases := []struct {
		typ    string
		status int
		code   string
	}{
		{"UNAUTHORIZED", 401, "UNAUTHORIZED"},
		{"ACCESS_DENIED", 403, "FORBIDDEN"},
		{"MISSING_AUTHENTICATION_TOKEN", 404, "NOT_FOUND"},
		{"RESOURCE_NOT_FOUND", 404, "NOT_FOUND"},
		{"AUTHORIZER_FAILURE", 500, "INTERNAL_SERVER_ERROR"},
		{"AUTHORIZER_CONFIGURATION_ERROR", 500, "INTERNAL_SERVER_ERROR"},
		{"THROTTLED", 429, "RATE_LIMITED"},
		{"QUOTA_EXCEEDED", 429, "QUOTA_EXCEEDED"},
		{"INVALID_API_KEY", 403, "FORBIDDEN"},
		{"UNSUPPORTED_MEDIA_TYPE", 415, "UNSUPPORTED_MEDIA_TYPE"},
		{"INTEGRATION_FAILURE", 502, "BAD_GATEWAY"},
		{"INTEGRATION_TIMEOUT", 504, "GATEWAY_TIMEOUT"},
		{"DEFAULT_4XX", 0, "BAD_REQUEST"},
		{"DEFAULT_5XX", 0, "INTERNAL_SERVER_ERROR"},
	}
	if got, want := len(tpl.GatewayResponses), len(cases); got != want {
		t.Errorf("gateway responses: got %v, want %v", got, want)
	}
	for _, c := range cases {
		t.Run(c.typ, func(t *testing.T) {
			gr, ok := tpl.GatewayResponses[c.typ]
			if !ok {
				t.Fatalf("no %s gateway response", c.typ)
			}
			if gr.StatusCode != c.status {
				t.Errorf("status: got %v, want %v", gr.StatusCode, c.status)
			}
			assertEnvelope(t, gr, c.code)
			if got, want := gr.Headers["Access-Control-Allow-Origin"], "'https://app.example.com'"; got != want {
				t.Errorf("Access-Control-Allow-Origin: got %v, want %v", got, want)
			}
			if got := gr.Headers["Access-Control-Allow-Headers"]; !strings.Contains(got, "Authorization") {
				t.Errorf("Access-Control-Allow-Headers: got %v, want it to list Authorization", got)
			}
			if _, ok := gr.Headers["Retry-After"]; ok != (c.status == 429) {
				t.Errorf("Retry-After: present %v, want %v", ok, c.status == 429)
			}
		})
	}
}

func assertEnvelope(tb testing.TB, gr samtemplate.GatewayResponse, code string) {
	tb.Helper()
	if strings.ContainsAny(gr.Body, "$#") {
		tb.Errorf("body %q contains VTL syntax ($ or #)", gr.Body)
	}
	var env struct {
		Error *struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	dec := json.NewDecoder(strings.NewReader(gr.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&env); err != nil || env.Error == nil {
		tb.Fatalf("body %q is not the error envelope: %v", gr.Body, err)
	}
	if env.Error.Code != code {
		tb.Errorf("code: got %v, want %v", env.Error.Code, code)
	}
	if env.Error.Message == "" {
		tb.Error("message is empty")
	}
}
