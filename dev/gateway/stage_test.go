package gateway

import (
	"net/http/httptest"
	"testing"
)

// TestStagePrefix: the execute-api endpoint serves an API only under its
// stage name; the lenient default also serves paths without it.
func TestStagePrefix(t *testing.T) {
	tests := []struct {
		name     string
		strict   bool
		path     string
		wantCode int
		wantBody string
	}{
		{"strict, stage prefix", true, "/Prod/a", 200, `{"ok":true}`},
		{"strict, no stage prefix", true, "/a", 403, `{"message":"Forbidden"}`},
		{"strict, stage name is case-sensitive", true, "/prod/a", 403, `{"message":"Forbidden"}`},
		{"strict, stage root", true, "/Prod", 403, `{"message":"Missing Authentication Token"}`},
		{"lenient, stage prefix", false, "/Prod/a", 200, `{"ok":true}`},
		{"lenient, no stage prefix", false, "/a", 200, `{"ok":true}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gw, err := New(Config{Stage: "Prod", StrictStage: tt.strict,
				Routes: []Route{{Method: "GET", Path: "/a", FunctionID: "f"}}, Functions: map[string]Function{"f": (&recorder{}).handle}})
			if err != nil {
				t.Fatal(err)
			}
			rec := httptest.NewRecorder()
			gw.ServeHTTP(rec, httptest.NewRequest("GET", tt.path, nil))
			if rec.Code != tt.wantCode || rec.Body.String() != tt.wantBody {
				t.Errorf("got %d %s, want %d %s", rec.Code, rec.Body.String(), tt.wantCode, tt.wantBody)
			}
		})
	}
}
