package openapi_test

import (
	"encoding/json"
	"slices"
	"testing"

	"keygate/shared/httpapi"
	"keygate/shared/openapi"
	"keygate/shared/openapi/openapitest"
	"keygate/shared/routes"
)

func TestDocumentIsValidAndComplete(t *testing.T) {
	doc, err := openapitest.Load()
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	var got []string
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			got = append(got, method+" "+path)
			if op.Responses.Status(500) == nil {
				t.Errorf("%s %s: no 500 response documented", method, path)
			}
			public := op.Security != nil && len(*op.Security) == 0
			if rt, ok := tableRoute(method, path); ok && public != (rt.Auth == routes.Public) {
				t.Errorf("%s %s: public %v in the document, auth %v in shared/routes", method, path, public, rt.Auth)
			}
			if !public && (op.Responses.Status(401) == nil || op.Responses.Status(403) == nil) {
				t.Errorf("%s %s: authorized route without 401/403", method, path)
			}
			if op.RequestBody != nil && (op.Responses.Status(400) == nil || op.Responses.Status(413) == nil || op.Responses.Status(415) == nil) {
				t.Errorf("%s %s: body route without 400/413/415", method, path)
			}
		}
	}
	slices.Sort(got)
	var want []string
	for _, r := range routes.All() {
		want = append(want, r.Pattern())
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("routes: the document has %v, shared/routes %v", got, want)
	}
}

// tableRoute is the route table's entry for method and path.
func tableRoute(method, path string) (routes.Route, bool) {
	for _, r := range routes.All() {
		if r.Method == method && r.Path == path {
			return r, true
		}
	}
	return routes.Route{}, false
}

func TestJSON(t *testing.T) {
	b := openapi.JSON()
	var v struct {
		OpenAPI string         `json:"openapi"`
		Paths   map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("unmarshal: %v", err)
	}
	if v.OpenAPI != "3.0.3" || len(v.Paths) != 22 {
		t.Errorf("document: got openapi %q with %d paths, want 3.0.3 with 22", v.OpenAPI, len(v.Paths))
	}
}

// TestErrorCodesMatchTheStatusTable: the document's error codes are exactly
// those httpapi maps to a status.
func TestErrorCodesMatchTheStatusTable(t *testing.T) {
	doc, err := openapitest.Load()
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	var got []string
	for _, v := range doc.Components.Schemas["Error"].Value.Properties["error"].Value.Properties["code"].Value.Enum {
		got = append(got, v.(string))
	}
	slices.Sort(got)
	var want []string
	for _, c := range httpapi.Codes() {
		want = append(want, string(c))
	}
	if !slices.Equal(got, want) {
		t.Errorf("Error.code enum: got %v, want httpapi's codes %v", got, want)
	}
}
