package gateway

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// binaryGateway serves POST /a with fn under the given binary media types.
func binaryGateway(tb testing.TB, types []string, fn *recorder) *Gateway {
	tb.Helper()
	gw, err := New(Config{Stage: "s", BinaryMediaTypes: types,
		Routes: []Route{{Method: "POST", Path: "/a", FunctionID: "f"}}, Functions: map[string]Function{"f": fn.handle}})
	if err != nil {
		tb.Fatal(err)
	}
	return gw
}

// TestBase64Responses: a base64 response is decoded only for a client whose
// first Accept type is a binary media type; everyone else gets the text.
func TestBase64Responses(t *testing.T) {
	tests := []struct {
		name   string
		types  []string
		accept string
		want   string
	}{
		{"no binary media types", nil, "image/png", "aGk="},
		{"accept matches", []string{"image/png"}, "image/png", "hi"},
		{"accept with parameters", []string{"image/png"}, "image/png;q=0.9", "hi"},
		{"type wildcard", []string{"image/*"}, "image/gif", "hi"},
		{"any type", []string{"*/*"}, "text/html", "hi"},
		{"only the first accept type counts", []string{"image/png"}, "text/html, image/png", "aGk="},
		{"no accept header", []string{"image/png"}, "", "aGk="},
		{"other type", []string{"image/png"}, "application/json", "aGk="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fn := &recorder{resp: &events.APIGatewayProxyResponse{StatusCode: 200, Body: "aGk=", IsBase64Encoded: true}}
			gw := binaryGateway(t, tt.types, fn)
			req := httptest.NewRequest("POST", "/a", nil)
			if tt.accept != "" {
				req.Header.Set("Accept", tt.accept)
			}
			rec := httptest.NewRecorder()
			gw.ServeHTTP(rec, req)
			if got := rec.Body.String(); rec.Code != 200 || got != tt.want {
				t.Errorf("got %d %q, want 200 %q", rec.Code, got, tt.want)
			}
		})
	}
}

// TestBinaryRequests: a body whose Content-Type is a binary media type
// reaches the function base64-encoded and flagged; any other body as it is.
func TestBinaryRequests(t *testing.T) {
	tests := []struct {
		name        string
		types       []string
		contentType string
		wantBody    string
		wantBase64  bool
	}{
		{"text body", []string{"image/png"}, "application/json", "hi", false},
		{"binary body", []string{"image/png"}, "image/png", "aGk=", true},
		{"no binary media types", nil, "image/png", "hi", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fn := &recorder{}
			gw := binaryGateway(t, tt.types, fn)
			req := httptest.NewRequest("POST", "/a", strings.NewReader("hi"))
			req.Header.Set("Content-Type", tt.contentType)
			gw.ServeHTTP(httptest.NewRecorder(), req)
			ev := fn.last.Load()
			if ev == nil {
				t.Fatal("function not called")
			}
			if ev.Body != tt.wantBody || ev.IsBase64Encoded != tt.wantBase64 {
				t.Errorf("got body %q base64 %v, want %q %v", ev.Body, ev.IsBase64Encoded, tt.wantBody, tt.wantBase64)
			}
		})
	}
}
