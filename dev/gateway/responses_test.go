package gateway

import (
	"net/http/httptest"
	"testing"
)

func TestRenderBody(t *testing.T) {
	v := renderVars{
		responseType: "ACCESS_DENIED",
		message:      `say "no"`,
		ctx:          map[string]string{"requestId": "r-1", "stage": "Prod", "identity.sourceIp": "127.0.0.1"},
		authorizer:   map[string]string{"reason": "expired"},
	}
	tests := []struct{ tmpl, want string }{
		{`{"message":$context.error.messageString}`, `{"message":"say \"no\""}`},
		{`$context.error.message`, `say "no"`},
		{`id=$context.requestId.`, `id=r-1.`},
		{`id=${context.requestId}!`, `id=r-1!`},
		{`{"id":"$context.requestId"}`, `{"id":"r-1"}`},
		{`$context.identity.sourceIp/$context.stage`, `127.0.0.1/Prod`},
		{`$context.authorizer.reason`, `expired`},
		{`$context.error.responseType`, `ACCESS_DENIED`},
		{`[$context.unknownThing]`, `[]`},
		{`{"error":{"code":"FORBIDDEN","message":"Insufficient access"}}`, `{"error":{"code":"FORBIDDEN","message":"Insufficient access"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.tmpl, func(t *testing.T) {
			if got := renderBody(tt.tmpl, v); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
	t.Run("null message", func(t *testing.T) {
		if got := renderBody(defaultBody, renderVars{}); got != `{"message":null}` {
			t.Errorf("got %s, want {\"message\":null}", got)
		}
	})
}

func TestRenderHeader(t *testing.T) {
	r := httptest.NewRequest("GET", "/x?q=1", nil)
	r.Header.Set("Origin", "https://example.com")
	v := renderVars{
		req:         r,
		ctx:         map[string]string{"requestId": "r-1"},
		queryParams: map[string]string{"q": "1"},
		pathParams:  map[string]string{"id": "7"},
		stageVars:   map[string]string{"env": "dev"},
	}
	tests := []struct{ expr, want string }{
		{`'*'`, `*`},
		{`'application/json'`, `application/json`},
		{` 'padded' `, `padded`},
		{`''`, ``},
		{`method.request.header.Origin`, `https://example.com`},
		{`method.request.querystring.q`, `1`},
		{`method.request.path.id`, `7`},
		{`stageVariables.env`, `dev`},
		{`context.requestId`, `r-1`},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			if got := renderHeader(tt.expr, v); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
