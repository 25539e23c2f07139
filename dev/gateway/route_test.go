package gateway

import (
	"maps"
	"testing"
)

func TestRouterFind(t *testing.T) {
	rt, err := newRouter([]Route{
		{Method: "GET", Path: "/open/global/config", FunctionID: "config"},
		{Method: "GET", Path: "/open/apikeys", FunctionID: "keys"},
		{Method: "POST", Path: "/open/apikeys", FunctionID: "keys"},
		{Method: "GET", Path: "/open/apikeys/{keyId}", FunctionID: "keys"},
		{Method: "POST", Path: "/open/apikeys/{keyId}/rotate", FunctionID: "keys"},
		{Method: "GET", Path: "/open/apikeys/special", FunctionID: "special"},
		{Method: "ANY", Path: "/files/{proxy+}", FunctionID: "files"},
		{Method: "GET", Path: "/files/{proxy+}", FunctionID: "files-get"},
		{Method: "GET", Path: "/", FunctionID: "root"},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		method, path string
		wantFn       string
		wantParams   map[string]string
	}{
		{"GET", "/open/global/config", "config", nil},
		{"GET", "/open/global/config/", "config", nil},
		{"GET", "/open/apikeys", "keys", nil},
		{"GET", "/open/apikeys/abc", "keys", map[string]string{"keyId": "abc"}},
		{"GET", "/open/apikeys/a%20b", "keys", map[string]string{"keyId": "a b"}},
		{"GET", "/open/apikeys/special", "special", nil},
		{"POST", "/open/apikeys/abc/rotate", "keys", map[string]string{"keyId": "abc"}},
		{"GET", "/files/a/b/c", "files-get", map[string]string{"proxy": "a/b/c"}},
		{"DELETE", "/files/a/b/c", "files", map[string]string{"proxy": "a/b/c"}},
		{"GET", "/", "root", nil},
		{"DELETE", "/open/global/config", "", nil},
		{"GET", "/open/apikeys/abc/rotate", "", nil},
		{"GET", "/files", "", nil},
		{"GET", "/nope", "", nil},
		{"GET", "/open/apikeys//rotate", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			r, params, ok := rt.find(tt.method, tt.path)
			if tt.wantFn == "" {
				if ok {
					t.Fatalf("got route %s %s, want none", r.Method, r.Path)
				}
				return
			}
			if !ok {
				t.Fatalf("got no route, want function %s", tt.wantFn)
			}
			if r.FunctionID != tt.wantFn {
				t.Errorf("got function %s, want %s", r.FunctionID, tt.wantFn)
			}
			if !maps.Equal(params, tt.wantParams) {
				t.Errorf("got params %v, want %v", params, tt.wantParams)
			}
		})
	}
}

func TestNewRouterRejects(t *testing.T) {
	tests := []struct {
		name   string
		routes []Route
	}{
		{"relative path", []Route{{Method: "GET", Path: "open"}}},
		{"greedy not last", []Route{{Method: "GET", Path: "/{proxy+}/x"}}},
		{"duplicate", []Route{{Method: "GET", Path: "/a"}, {Method: "get", Path: "/a"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := newRouter(tt.routes); err == nil {
				t.Error("got nil error, want one")
			}
		})
	}
}
