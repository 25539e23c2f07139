package apikeys_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"keygate/dev/testkit/fntest"
	"keygate/shared/apperr"
)

// TestBadInput sends the bad-input corpus: each request gets its documented
// status and error envelope, and the table is exactly as before.
func TestBadInput(t *testing.T) {
	e := newEnv(t)
	mine := e.create(t, alice, `{"name":"mine"}`)
	bobs := e.create(t, bob, `{"name":"bob's"}`)
	minePath := "/open/apikeys/" + mine.ID
	past := e.now.Add(-time.Hour).Format(time.RFC3339)
	tooFar := e.now.AddDate(5, 0, 1).Format(time.RFC3339)
	huge := strings.Repeat("a", 1<<20)

	tests := []struct {
		name       string
		req        fntest.Request
		wantStatus int
		wantCode   apperr.Code
	}{
		// Bodies.
		{"malformed JSON", fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `{"name":`}, 400, apperr.BadRequest},
		{"not JSON", fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `name=x`}, 400, apperr.BadRequest},
		{"JSON array", fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `["x"]`}, 400, apperr.BadRequest},
		{"JSON null", fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `null`}, 400, apperr.BadRequest},
		{"empty body", fntest.Request{Method: "POST", Path: "/open/apikeys", ContentType: "application/json"}, 400, apperr.BadRequest},
		{"name wrong type", fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `{"name":42}`}, 400, apperr.BadRequest},
		{"scopes wrong type", fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `{"name":"x","scopes":"admin"}`}, 400, apperr.BadRequest},
		{"expiresAt wrong type", fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `{"name":"x","expiresAt":1893456000}`}, 400, apperr.BadRequest},
		{"unknown field", fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `{"name":"x","userId":"bob"}`}, 400, apperr.BadRequest},
		{"unknown field hash", fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `{"name":"x","hash":"00"}`}, 400, apperr.BadRequest},
		{"trailing data", fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `{"name":"x"} {"name":"y"}`}, 400, apperr.BadRequest},
		{"1 MiB body", fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `{"name":"` + huge + `"}`}, 413, apperr.PayloadTooLarge},
		{"1 MiB patch", fntest.Request{Method: "PATCH", Path: minePath, Body: `{"name":"` + huge + `"}`}, 413, apperr.PayloadTooLarge},
		{"text/plain", fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `{"name":"x"}`, ContentType: "text/plain"}, 415, apperr.UnsupportedMediaType},
		{"form", fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `name=x`, ContentType: "application/x-www-form-urlencoded"}, 415, apperr.UnsupportedMediaType},
		{"no content type", fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `{"name":"x"}`, NoContentType: true}, 415, apperr.UnsupportedMediaType},
		{"patch text/plain", fntest.Request{Method: "PATCH", Path: minePath, Body: `{"name":"x"}`, ContentType: "text/plain"}, 415, apperr.UnsupportedMediaType},
		{"rotate text/plain", fntest.Request{Method: "POST", Path: minePath + "/rotate", Body: `{}`, ContentType: "text/plain"}, 415, apperr.UnsupportedMediaType},
		// Names.
		{"missing name", fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `{}`}, 400, apperr.BadRequest},
		{"null name", fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `{"name":null}`}, 400, apperr.BadRequest},
		{"empty name", fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `{"name":""}`}, 400, apperr.BadRequest},
		{"blank name", fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `{"name":" \t "}`}, 400, apperr.BadRequest},
		{"101 characters", fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `{"name":"` + strings.Repeat("é", 101) + `"}`}, 400, apperr.BadRequest},
		{"huge name", fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `{"name":"` + strings.Repeat("n", 60000) + `"}`}, 400, apperr.BadRequest},
		{"newline in name", fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `{"name":"a\nb"}`}, 400, apperr.BadRequest},
		{"NUL in name", fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `{"name":"a\u0000b"}`}, 400, apperr.BadRequest},
		{"escape in name", fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `{"name":"a\u001b[31mb"}`}, 400, apperr.BadRequest},
		{"DEL in name", fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `{"name":"a\u007fb"}`}, 400, apperr.BadRequest},
		{"line separator in name", fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `{"name":"a\u2028b"}`}, 400, apperr.BadRequest},
		{"patch empty name", fntest.Request{Method: "PATCH", Path: minePath, Body: `{"name":""}`}, 400, apperr.BadRequest},
		{"patch control name", fntest.Request{Method: "PATCH", Path: minePath, Body: `{"name":"x\ty"}`}, 400, apperr.BadRequest},
		{"patch unknown field", fntest.Request{Method: "PATCH", Path: minePath, Body: `{"name":"x","scopes":["admin"]}`}, 400, apperr.BadRequest},
		{"patch no body", fntest.Request{Method: "PATCH", Path: minePath, ContentType: "application/json"}, 400, apperr.BadRequest},
		// Scopes.
		{"unknown scope", fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `{"name":"x","scopes":["root"]}`}, 400, apperr.BadRequest},
		{"scope case", fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `{"name":"x","scopes":["Admin"]}`}, 400, apperr.BadRequest},
		{"unknown scope", fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `{"name":"x","scopes":["read","root"]}`}, 400, apperr.BadRequest},
		{"empty scopes", fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `{"name":"x","scopes":[]}`}, 400, apperr.BadRequest},
		{"scope number", fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `{"name":"x","scopes":[1]}`}, 400, apperr.BadRequest},
		{"duplicate scope", fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `{"name":"x","scopes":["read","write","read"]}`}, 400, apperr.BadRequest},
		// Text json would store as U+FFFD, and nesting past httpapi.MaxJSONDepth.
		{"name not UTF-8", fntest.Request{Method: "POST", Path: "/open/apikeys", Body: "{\"name\":\"a\xc3\x28\"}"}, 400, apperr.BadRequest},
		{"name a lone surrogate", fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `{"name":"a\ud800"}`}, 400, apperr.BadRequest},
		{"patch name a lone surrogate", fntest.Request{Method: "PATCH", Path: minePath, Body: `{"name":"\udc00"}`}, 400, apperr.BadRequest},
		{"too deeply nested", fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `{"name":"x","scopes":` + strings.Repeat("[", 20000) + `}`}, 400, apperr.BadRequest},
		// Expiry.
		{"past expiry", fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `{"name":"x","expiresAt":"` + past + `"}`}, 400, apperr.BadRequest},
		{"expiry now", fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `{"name":"x","expiresAt":"` + e.now.Format(time.RFC3339Nano) + `"}`}, 400, apperr.BadRequest},
		{"too far expiry", fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `{"name":"x","expiresAt":"` + tooFar + `"}`}, 400, apperr.BadRequest},
		{"year 9999", fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `{"name":"x","expiresAt":"9999-12-31T23:59:59Z"}`}, 400, apperr.BadRequest},
		{"date only", fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `{"name":"x","expiresAt":"2030-01-01"}`}, 400, apperr.BadRequest},
		{"garbage date", fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `{"name":"x","expiresAt":"tomorrow"}`}, 400, apperr.BadRequest},
		// Rotation grace.
		{"negative grace", fntest.Request{Method: "POST", Path: minePath + "/rotate", Body: `{"gracePeriodSeconds":-1}`}, 400, apperr.BadRequest},
		{"grace over 7 days", fntest.Request{Method: "POST", Path: minePath + "/rotate", Body: `{"gracePeriodSeconds":604801}`}, 400, apperr.BadRequest},
		{"huge grace", fntest.Request{Method: "POST", Path: minePath + "/rotate", Body: `{"gracePeriodSeconds":99999999999999999999}`}, 400, apperr.BadRequest},
		{"fractional grace", fntest.Request{Method: "POST", Path: minePath + "/rotate", Body: `{"gracePeriodSeconds":1.5}`}, 400, apperr.BadRequest},
		{"string grace", fntest.Request{Method: "POST", Path: minePath + "/rotate", Body: `{"gracePeriodSeconds":"60"}`}, 400, apperr.BadRequest},
		{"rotate unknown field", fntest.Request{Method: "POST", Path: minePath + "/rotate", Body: `{"name":"x"}`}, 400, apperr.BadRequest},
		// Limits and cursors.
		{"zero limit", fntest.Request{Method: "GET", Path: "/open/apikeys", Query: map[string]string{"limit": "0"}}, 400, apperr.BadRequest},
		{"negative limit", fntest.Request{Method: "GET", Path: "/open/apikeys", Query: map[string]string{"limit": "-5"}}, 400, apperr.BadRequest},
		{"limit 101", fntest.Request{Method: "GET", Path: "/open/apikeys", Query: map[string]string{"limit": "101"}}, 400, apperr.BadRequest},
		{"huge limit", fntest.Request{Method: "GET", Path: "/open/apikeys", Query: map[string]string{"limit": "99999999999999999999"}}, 400, apperr.BadRequest},
		{"text limit", fntest.Request{Method: "GET", Path: "/open/apikeys", Query: map[string]string{"limit": "ten"}}, 400, apperr.BadRequest},
		{"forged cursor", fntest.Request{Method: "GET", Path: "/open/apikeys", Query: map[string]string{"cursor": "eyJ1IjoiYm9iIn0"}}, 400, apperr.BadRequest},
		{"garbage cursor", fntest.Request{Method: "GET", Path: "/open/apikeys", Query: map[string]string{"cursor": "!!not-base64!!"}}, 400, apperr.BadRequest},
		{"huge cursor", fntest.Request{Method: "GET", Path: "/open/apikeys", Query: map[string]string{"cursor": strings.Repeat("A", 5000)}}, 400, apperr.BadRequest},
		// Other users' keys and impossible ids.
		{"get bob's key", fntest.Request{Method: "GET", Path: "/open/apikeys/" + bobs.ID}, 404, apperr.NotFound},
		{"rename bob's key", fntest.Request{Method: "PATCH", Path: "/open/apikeys/" + bobs.ID, Body: `{"name":"mine now"}`}, 404, apperr.NotFound},
		{"delete bob's key", fntest.Request{Method: "DELETE", Path: "/open/apikeys/" + bobs.ID}, 404, apperr.NotFound},
		{"rotate bob's key", fntest.Request{Method: "POST", Path: "/open/apikeys/" + bobs.ID + "/rotate"}, 404, apperr.NotFound},
		{"unknown key", fntest.Request{Method: "GET", Path: "/open/apikeys/AAAAAAAAAAAAAAAA"}, 404, apperr.NotFound},
		{"invalid key id", fntest.Request{Method: "GET", Path: "/open/apikeys/a.b"}, 404, apperr.NotFound},
		{"traversal", fntest.Request{Method: "GET", Path: "/open/apikeys/../apikeys/" + mine.ID}, 404, apperr.NotFound},
		{"encoded traversal", fntest.Request{Method: "DELETE", Path: "/open/apikeys/..%2F..%2Fworkspace%2Fws2"}, 404, apperr.NotFound},
		{"dot key", fntest.Request{Method: "DELETE", Path: "/open/apikeys/.."}, 404, apperr.NotFound},
		{"double slash", fntest.Request{Method: "DELETE", Path: "/open/apikeys//" + mine.ID}, 404, apperr.NotFound},
		{"trailing slash", fntest.Request{Method: "DELETE", Path: "/open/apikeys/" + mine.ID + "/"}, 404, apperr.NotFound},
		{"unknown sub-route", fntest.Request{Method: "POST", Path: "/open/apikeys/" + mine.ID + "/revive"}, 404, apperr.NotFound},
		{"wrong method", fntest.Request{Method: "PUT", Path: minePath, Body: `{"name":"x"}`}, 404, apperr.NotFound},
	}
	before := fntest.Snapshot(t, e.client, e.table)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.req.Authorizer = as(t, alice)
			resp := e.do(t, tt.req)
			fntest.AssertError(t, resp, tt.wantStatus, tt.wantCode)
			if resp.StatusCode == http.StatusInternalServerError {
				t.Errorf("bad input caused a 500")
			}
		})
	}
	if after := fntest.Snapshot(t, e.client, e.table); !slices.Equal(before, after) {
		t.Errorf("the corpus changed the table:\nbefore %v\nafter  %v", before, after)
	}
	if e.flusher.count() != 0 {
		t.Errorf("flushes: got %d, want 0", e.flusher.count())
	}
}
