package httpapi_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"keygate/shared/apperr"
	"keygate/shared/httpapi"
)

// textBody is what the text tests decode into.
type textBody struct {
	Name   *string   `json:"name"`
	Scopes *[]string `json:"scopes"`
	Any    any       `json:"any"`
}

// nested returns a body whose "any" field holds arrays nested so that the
// whole body is depth levels deep (the object is the first).
func nested(depth int) string {
	return `{"any":` + strings.Repeat("[", depth-1) + strings.Repeat("]", depth-1) + `}`
}

// decodeText runs body through DecodeJSON as a POST with a JSON body.
func decodeText(tb testing.TB, body string) (textBody, error) {
	tb.Helper()
	r := httptest.NewRequest("POST", "/x", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	var v textBody
	err := httpapi.DecodeJSON(r, &v)
	return v, err
}

// TestDecodeJSONRefusesWhatJSONWouldReplace: bytes that are not UTF-8 and
// escaped lone surrogates anywhere in a body are a 400 naming the problem,
// not a U+FFFD in the decoded value; valid escapes and pairs still decode.
func TestDecodeJSONRefusesWhatJSONWouldReplace(t *testing.T) {
	tests := []struct {
		name, body string
		wantMsg    string // "" = accepted
		wantName   string // the decoded name when accepted
	}{
		{"invalid UTF-8 in a string", "{\"name\":\"a\xc3\x28\"}", "not valid UTF-8 (byte 10)", ""},
		{"a lone continuation byte", "{\"name\":\"\x80\"}", "not valid UTF-8 (byte 9)", ""},
		{"an overlong encoding", "{\"name\":\"\xc0\xaf\"}", "not valid UTF-8", ""},
		{"a UTF-8 encoded surrogate (CESU-8)", "{\"name\":\"\xed\xa0\x80\"}", "not valid UTF-8", ""},
		{"invalid UTF-8 after the value", "{\"name\":\"a\"}\xff", "not valid UTF-8", ""},
		{"a lone high surrogate", `{"name":"\ud800"}`, `lone UTF-16 surrogate \ud800 (byte 9)`, ""},
		{"a lone high surrogate in upper case", `{"name":"x\uD83D"}`, `lone UTF-16 surrogate \uD83D`, ""},
		{"a lone low surrogate", `{"name":"\udc00"}`, `lone UTF-16 surrogate \udc00`, ""},
		{"a high surrogate before a letter", `{"name":"\ud800\u0041"}`, `lone UTF-16 surrogate \ud800`, ""},
		{"a high surrogate before text", `{"name":"\ud800abcdef"}`, `lone UTF-16 surrogate \ud800`, ""},
		{"two high surrogates", `{"name":"\ud800\ud800"}`, `lone UTF-16 surrogate \ud800`, ""},
		{"a reversed pair", `{"name":"\udc00\ud800"}`, `lone UTF-16 surrogate \udc00`, ""},
		{"a pair then a lone low", `{"name":"\ud83d\ude00\ude00"}`, `lone UTF-16 surrogate \ude00 (byte 21)`, ""},
		{"in an array element", `{"scopes":["read","\udfff"]}`, `lone UTF-16 surrogate \udfff`, ""},
		{"in a field name", `{"\ud800":1}`, `lone UTF-16 surrogate \ud800`, ""},
		{"at the end of the body", `{"name":"\ud800`, `lone UTF-16 surrogate \ud800`, ""},
		{"a surrogate pair", `{"name":"\ud83d\ude00"}`, "", "\U0001F600"},
		{"an escaped backslash before u", `{"name":"\\ud800"}`, "", `\ud800`},
		{"U+FFFD sent as such", `{"name":"\ufffd"}`, "", "\ufffd"},
		{"an escaped quote", `{"name":"a\"\ud800"}`, `lone UTF-16 surrogate`, ""},
		{"plain escapes", `{"name":"\n\t\u00e9\/"}`, "", "\n\té/"},
		{"non-ASCII text", `{"name":"clé 🔑"}`, "", "clé 🔑"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := decodeText(t, tt.body)
			if tt.wantMsg == "" {
				if err != nil {
					t.Fatalf("got %v, want accepted", err)
				}
				if v.Name == nil || *v.Name != tt.wantName {
					t.Errorf("name: got %v, want %q", v.Name, tt.wantName)
				}
				return
			}
			if got := apperr.CodeOf(err); got != apperr.BadRequest {
				t.Fatalf("code: got %q (err %v, name %v), want BAD_REQUEST", got, err, v.Name)
			}
			if got := apperr.MessageOf(err); !strings.Contains(got, tt.wantMsg) {
				t.Errorf("message: got %q, want it to contain %q", got, tt.wantMsg)
			}
			if v.Name != nil || v.Scopes != nil {
				t.Errorf("decoded: got name %v scopes %v, want nothing decoded", v.Name, v.Scopes)
			}
		})
	}
}

// TestDecodeJSONDepth: nesting up to MaxJSONDepth decodes; deeper is a 400
// saying so, however deep; brackets inside strings do not count.
func TestDecodeJSONDepth(t *testing.T) {
	tests := []struct {
		name, body string
		wantMsg    string // "" = accepted
	}{
		{"at the bound", nested(httpapi.MaxJSONDepth), ""},
		{"one past the bound", nested(httpapi.MaxJSONDepth + 1), "too deeply nested: at most 32 levels"},
		{"30,000 arrays", strings.Repeat("[", 30000), "too deeply nested"},
		{"12,000 objects", strings.Repeat(`{"a":`, 12000), "too deeply nested"},
		{"30,000 closed arrays", nested(30000), "too deeply nested"},
		{"brackets in a string", `{"name":"` + strings.Repeat("[{", 100) + `"}`, ""},
		{"brackets after an escaped quote", `{"name":"\"` + strings.Repeat("[", 100) + `"}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeText(t, tt.body)
			if tt.wantMsg == "" {
				if err != nil {
					t.Errorf("got %v, want accepted", err)
				}
				return
			}
			if got := apperr.CodeOf(err); got != apperr.BadRequest {
				t.Fatalf("code: got %q (err %v), want BAD_REQUEST", got, err)
			}
			if got := apperr.MessageOf(err); !strings.Contains(got, tt.wantMsg) {
				t.Errorf("message: got %q, want it to contain %q", got, tt.wantMsg)
			}
		})
	}
}

// TestWrapRefusesHeadersNotUTF8: a header keygate reads (Content-Type,
// User-Agent, API Gateway's identity.userAgent) that is not UTF-8 is a 400
// in the envelope before the handler runs.
func TestWrapRefusesHeadersNotUTF8(t *testing.T) {
	ran := false
	mux := http.NewServeMux()
	mux.HandleFunc("POST /open/things", func(w http.ResponseWriter, r *http.Request) {
		ran = true
		httpapi.NoContent(w)
	})
	l := httpapi.NewLambda(mux, httpapi.Options{Logger: slog.New(slog.DiscardHandler)})
	tests := []struct {
		name       string
		header     map[string]string
		userAgent  string // requestContext.identity.userAgent
		wantStatus int
		wantBody   string
	}{
		{"valid", map[string]string{"Content-Type": "application/json; charset=utf-8", "User-Agent": "curl/8.5.0 é"}, "curl/8.5.0 é", 204, ""},
		{"Content-Type parameter", map[string]string{"Content-Type": "application/json; charset=\"\xc3\x28\""}, "", 400,
			`{"error":{"code":"BAD_REQUEST","message":"header Content-Type is not valid UTF-8"}}`},
		{"User-Agent", map[string]string{"User-Agent": "agent\xc3\x28"}, "", 400,
			`{"error":{"code":"BAD_REQUEST","message":"header User-Agent is not valid UTF-8"}}`},
		{"identity.userAgent", nil, "agent\xff", 400,
			`{"error":{"code":"BAD_REQUEST","message":"header User-Agent is not valid UTF-8"}}`},
		{"a header keygate does not read", map[string]string{"X-Other": "\xff"}, "", 204, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ran = false
			ev := events.APIGatewayProxyRequest{HTTPMethod: "POST", Path: "/open/things", Headers: tt.header,
				RequestContext: events.APIGatewayProxyRequestContext{Identity: events.APIGatewayRequestIdentity{UserAgent: tt.userAgent}}}
			resp, err := l.Handle(context.Background(), ev)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status: got %d %s, want %d", resp.StatusCode, resp.Body, tt.wantStatus)
			}
			if resp.Body != tt.wantBody {
				t.Errorf("body: got %s, want %s", resp.Body, tt.wantBody)
			}
			if got := tt.wantStatus < 400; ran != got {
				t.Errorf("handler ran: got %v, want %v", ran, got)
			}
		})
	}
}

// BenchmarkDecodeJSON: a key-create body, and bodies refused for their
// depth, which must cost about as little as reading them.
func BenchmarkDecodeJSON(b *testing.B) {
	for _, bm := range []struct{ name, body string }{
		{"create body", `{"name":"CI deploy","scopes":["read","write"],"any":{"limit":10,"windowSeconds":60,"burst":20}}`},
		{"30,000 deep arrays refused", strings.Repeat("[", 30000)},
		{"12,000 deep objects refused", strings.Repeat(`{"a":`, 12000)},
		{"a 60 KiB string", `{"name":"` + strings.Repeat("é", 30000) + `"}`},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.SetBytes(int64(len(bm.body)))
			for b.Loop() {
				r := httptest.NewRequest("POST", "/x", strings.NewReader(bm.body))
				r.Header.Set("Content-Type", "application/json")
				var v textBody
				_ = httpapi.DecodeJSON(r, &v)
			}
		})
	}
}
