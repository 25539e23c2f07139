package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"keygate/shared/apperr"
	"keygate/shared/httpapi"
)

func TestStatusTable(t *testing.T) {
	want := map[apperr.Code]int{
		apperr.BadRequest: 400, apperr.Unauthorized: 401, apperr.Forbidden: 403, apperr.NotFound: 404,
		apperr.Conflict: 409, apperr.PayloadTooLarge: 413, apperr.UnsupportedMediaType: 415,
		apperr.RateLimited: 429, apperr.QuotaExceeded: 429, apperr.Internal: 500, "SOMETHING_ELSE": 500,
	}
	for code, status := range want {
		t.Run(string(code), func(t *testing.T) {
			if got := httpapi.Status(code); got != status {
				t.Errorf("Status(%s): got %d, want %d", code, got, status)
			}
		})
	}
	if got := len(httpapi.Codes()); got != 10 {
		t.Errorf("Codes: got %d, want 10", got)
	}
}

func TestErrorHidesInternalText(t *testing.T) {
	var logs strings.Builder
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	tests := []struct {
		name       string
		err        error
		wantStatus int
		wantCode   apperr.Code
		wantMsg    string
		wantLogged bool
	}{
		{"application error", apperr.Errorf(apperr.NotFound, "key not found"), 404, apperr.NotFound, "key not found", false},
		{"infrastructure error", errors.New("dial tcp 10.1.2.3:443: secret-host refused"), 500, apperr.Internal, "Internal server error", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs.Reset()
			w := httptest.NewRecorder()
			httpapi.Error(w, httptest.NewRequest("GET", "/x", nil), logger, tt.err)
			if w.Code != tt.wantStatus {
				t.Errorf("status: got %d, want %d", w.Code, tt.wantStatus)
			}
			var body httpapi.ErrorBody
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatalf("body: %v", err)
			}
			if body.Error.Code != tt.wantCode || body.Error.Message != tt.wantMsg {
				t.Errorf("envelope: got %+v, want %s %q", body.Error, tt.wantCode, tt.wantMsg)
			}
			if strings.Contains(w.Body.String(), "secret-host") {
				t.Errorf("body leaks internal text: %s", w.Body)
			}
			if got := strings.Contains(logs.String(), "secret-host"); got != tt.wantLogged {
				t.Errorf("logged: got %v, want %v (%s)", got, tt.wantLogged, logs.String())
			}
		})
	}
}

func TestDecodeJSON(t *testing.T) {
	type limit struct {
		Limit *int `json:"limit"`
	}
	type in struct {
		Name   *string   `json:"name"`
		N      *int      `json:"n"`
		Limit  *limit    `json:"rateLimit"`
		Scopes *[]string `json:"scopes"`
	}
	tests := []struct {
		name, contentType, body string
		wantCode                apperr.Code
	}{
		{"valid", "application/json", `{"name":"a","n":1}`, ""},
		{"valid with charset", "application/json; charset=utf-8", `{"name":"a"}`, ""},
		{"no content type", "", `{"name":"a"}`, apperr.UnsupportedMediaType},
		{"text/plain", "text/plain", `{"name":"a"}`, apperr.UnsupportedMediaType},
		{"json suffix type", "application/problem+json", `{"name":"a"}`, apperr.UnsupportedMediaType},
		{"bad media type", "application/json; =", `{"name":"a"}`, apperr.UnsupportedMediaType},
		{"empty", "application/json", ``, apperr.BadRequest},
		{"malformed", "application/json", `{"name":`, apperr.BadRequest},
		{"syntax", "application/json", `{"name" "a"}`, apperr.BadRequest},
		{"wrong type", "application/json", `{"name":1}`, apperr.BadRequest},
		{"array body", "application/json", `[1]`, apperr.BadRequest},
		{"unknown field", "application/json", `{"name":"a","admin":true}`, apperr.BadRequest},
		{"trailing data", "application/json", `{"name":"a"}{"name":"b"}`, apperr.BadRequest},
		{"trailing garbage", "application/json", `{"name":"a"} x`, apperr.BadRequest},
		{"upper-case field", "application/json", `{"Name":"a"}`, apperr.BadRequest},
		{"all-caps field", "application/json", `{"name":"a","N":1}`, apperr.BadRequest},
		{"duplicate field", "application/json", `{"name":"a","name":"b"}`, apperr.BadRequest},
		{"duplicate field, other value", "application/json", `{"n":1,"name":"a","n":2}`, apperr.BadRequest},
		{"nested object", "application/json", `{"rateLimit":{"limit":1}}`, ""},
		{"nested case mismatch", "application/json", `{"rateLimit":{"Limit":1}}`, apperr.BadRequest},
		{"nested duplicate", "application/json", `{"rateLimit":{"limit":1,"limit":2}}`, apperr.BadRequest},
		{"nested unknown", "application/json", `{"rateLimit":{"limit":1,"burst":2}}`, apperr.BadRequest},
		{"array of strings", "application/json", `{"scopes":["read","write"]}`, ""},
		{"null nested", "application/json", `{"rateLimit":null}`, ""},
		{"too large", "application/json", `{"name":"` + strings.Repeat("a", httpapi.MaxBodyBytes) + `"}`, apperr.PayloadTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/x", strings.NewReader(tt.body))
			if tt.contentType != "" {
				r.Header.Set("Content-Type", tt.contentType)
			}
			var v in
			err := httpapi.DecodeJSON(r, &v)
			if got := apperr.CodeOf(err); got != tt.wantCode {
				t.Errorf("code: got %q, want %q (err %v)", got, tt.wantCode, err)
			}
		})
	}
}

func TestDecodeOptionalJSON(t *testing.T) {
	type in struct {
		N *int `json:"n"`
	}
	tests := []struct {
		name, contentType, body string
		wantCode                apperr.Code
	}{
		{"no body no type", "", "", ""},
		{"no body any type", "text/plain", "", ""},
		{"body", "application/json", `{"n":3}`, ""},
		{"body wrong type", "text/plain", `{"n":3}`, apperr.UnsupportedMediaType},
		{"unknown field", "application/json", `{"m":3}`, apperr.BadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/x", strings.NewReader(tt.body))
			if tt.contentType != "" {
				r.Header.Set("Content-Type", tt.contentType)
			}
			var v in
			err := httpapi.DecodeOptionalJSON(r, &v)
			if got := apperr.CodeOf(err); got != tt.wantCode {
				t.Errorf("code: got %q, want %q (err %v)", got, tt.wantCode, err)
			}
		})
	}
}

func TestWrap(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /open/things/{id}", func(w http.ResponseWriter, r *http.Request) {
		httpapi.JSON(w, http.StatusOK, map[string]string{"id": r.PathValue("id")})
	})
	mux.HandleFunc("GET /open/panic", func(w http.ResponseWriter, r *http.Request) { panic("boom secret") })
	var logs strings.Builder
	h := httpapi.Wrap(mux, httpapi.Options{AllowOrigin: "https://app.example.com", Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	tests := []struct {
		name, method, target string
		wantStatus           int
	}{
		{"match", "GET", "/open/things/a1", 200},
		{"unknown route", "GET", "/nope", 404},
		{"wrong method", "DELETE", "/open/things/a1", 404},
		{"dot segments", "GET", "/open/things/../things/a1", 404},
		{"encoded slash", "GET", "/open/things/..%2Fetc", 404},
		{"double slash", "GET", "/open//things/a1", 404},
		{"preflight", "OPTIONS", "/open/things/a1", 204},
		{"panic", "GET", "/open/panic", 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(tt.method, tt.target, nil))
			if w.Code != tt.wantStatus {
				t.Errorf("status: got %d, want %d (%s)", w.Code, tt.wantStatus, w.Body)
			}
			if got := w.Header().Get("Access-Control-Allow-Origin"); got != "https://app.example.com" {
				t.Errorf("CORS origin: got %q, want https://app.example.com", got)
			}
			if w.Code == 200 && w.Body.String() != `{"id":"a1"}` {
				t.Errorf("body: got %s, want the path value", w.Body)
			}
			if w.Code >= 400 {
				var body httpapi.ErrorBody
				if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.Error.Code == "" {
					t.Errorf("not an envelope: %s", w.Body)
				}
				if strings.Contains(w.Body.String(), "boom") {
					t.Errorf("panic text leaked: %s", w.Body)
				}
			}
		})
	}
}

func TestWrapLogsRoute(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /open/things/{id}", func(w http.ResponseWriter, r *http.Request) { httpapi.NoContent(w) })
	var logs strings.Builder
	h := httpapi.Wrap(mux, httpapi.Options{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/open/things/a1", nil))
	if !strings.Contains(logs.String(), `"route":"GET /open/things/{id}"`) || !strings.Contains(logs.String(), `"status":204`) {
		t.Errorf("request log: got %s", logs.String())
	}
}

func TestSetCORSDefault(t *testing.T) {
	h := http.Header{}
	httpapi.SetCORS(h, "")
	if got := h.Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("origin: got %q, want *", got)
	}
	if got := h.Get("Vary"); got != "" {
		t.Errorf("Vary: got %q, want none for *", got)
	}
}

// TestLambda: a proxy event reaches the wrapped mux through Handle, with
// the path value and Wrap's headers; Handler serves the same routes.
func TestLambda(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /open/things/{id}", func(w http.ResponseWriter, r *http.Request) {
		httpapi.JSON(w, http.StatusOK, map[string]string{"id": r.PathValue("id")})
	})
	l := httpapi.NewLambda(mux, httpapi.Options{AllowOrigin: "https://app.example.com", Logger: slog.New(slog.DiscardHandler)})
	resp, err := l.Handle(context.Background(), events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/open/things/a1"})
	if err != nil || resp.StatusCode != 200 || resp.Body != `{"id":"a1"}` {
		t.Fatalf("Handle: got %d %s (%v), want 200 {\"id\":\"a1\"}", resp.StatusCode, resp.Body, err)
	}
	if got := http.Header(resp.MultiValueHeaders).Get("Access-Control-Allow-Origin"); got != "https://app.example.com" {
		t.Errorf("Handle: CORS origin: got %q", got)
	}
	w := httptest.NewRecorder()
	l.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/open/things/a2", nil))
	if w.Code != 200 || w.Body.String() != `{"id":"a2"}` {
		t.Errorf("Handler: got %d %s", w.Code, w.Body)
	}
}
