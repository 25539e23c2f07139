package gateway

import (
	"testing"
	"time"
)

func TestCompileProxyRefuses(t *testing.T) {
	good := func() *HTTPProxy {
		return &HTTPProxy{URI: "https://up.example.com/w/{id}", RequestParameters: map[string]string{
			"integration.request.path.id":    "method.request.path.id",
			"integration.request.header.X-A": "context.authorizer.userId",
		}}
	}
	if _, err := compileProxy(good()); err != nil {
		t.Fatalf("the good proxy: %v", err)
	}
	for name, edit := range map[string]func(p *HTTPProxy){
		"timeout over 29 s":       func(p *HTTPProxy) { p.Timeout = 30 * time.Second },
		"not an http URI":         func(p *HTTPProxy) { p.URI = "ftp://up.example.com/" },
		"unknown target kind":     func(p *HTTPProxy) { p.RequestParameters["integration.request.body"] = "'x'" },
		"source not emulated":     func(p *HTTPProxy) { p.RequestParameters["integration.request.header.X-B"] = "method.request.body" },
		"path the uri lacks":      func(p *HTTPProxy) { p.RequestParameters["integration.request.path.other"] = "'x'" },
		"unquoted static value":   func(p *HTTPProxy) { p.RequestParameters["integration.request.header.X-B"] = "value" },
		"target without a name":   func(p *HTTPProxy) { p.RequestParameters["integration.request.header."] = "'x'" },
		"method source, no name":  func(p *HTTPProxy) { p.RequestParameters["integration.request.header.X-B"] = "method.request.header." },
		"target outside requests": func(p *HTTPProxy) { p.RequestParameters["method.response.header.X-B"] = "'x'" },
	} {
		t.Run(name, func(t *testing.T) {
			p := good()
			edit(p)
			if _, err := compileProxy(p); err == nil {
				t.Error("got nil error, want the gateway to refuse to start")
			}
		})
	}
}

func TestEscapesPrefix(t *testing.T) {
	for path, want := range map[string]bool{
		"/open/workspace/ws1/items/a%20b": false,
		"/open/workspace/ws1/x.y/..z":     false,
		"/open/workspace/ws1/../ws2":      true,
		"/open/workspace/ws1/./x":         true,
		"/open/workspace/ws1/..%2Fws2":    true,
		"/open/workspace/ws1/%2E%2E/ws2":  true,
		"/open/workspace/ws1/%5C..":       true,
		`/open/workspace/ws1/\..\ws2`:     true,
	} {
		if got := escapesPrefix(path); got != want {
			t.Errorf("escapesPrefix(%q): got %v, want %v", path, got, want)
		}
	}
}
