package compile_test

import (
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"keygate/shared/apidoc"
	"keygate/shared/apidoc/compile"
)

func seed(tb testing.TB) apidoc.Document {
	tb.Helper()
	b, err := os.ReadFile("../../../examples/api/openapi.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	d, err := compile.Compile(b, compile.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

func names(ops []apidoc.Operation) []string {
	out := []string{}
	for _, op := range ops {
		out = append(out, op.Name)
	}
	slices.Sort(out)
	return out
}

// TestSeedAPIsAllowedByScopes: the operations each scope set may call,
// by OpenAPI's rules — alternatives, every scope of one, inherited
// top-level security, public operations.
func TestSeedAPIsAllowedByScopes(t *testing.T) {
	d := seed(t)
	tests := []struct {
		name   string
		scopes []string
		want   []string
	}{
		{"no scope: the public one and those any key may call", []string{}, []string{"authTest", "status"}},
		{"spec 002's write", []string{"write"}, []string{"authTest", "generate", "status"}},
		{"read:users", []string{"read:users"}, []string{"authTest", "listUsers", "status"}},
		{"one scope of two required is not enough", []string{"delete:users"}, []string{"authTest", "status"}},
		{"both", []string{"delete:users", "write:users"}, []string{"authTest", "createUser", "deleteUser", "status"}},
		{"admin:all is every alternative's", []string{"admin:all"}, []string{"authTest", "createUser", "deleteUser", "listUsers", "status"}},
		{"spec 003's example key", []string{"read:users", "write:projects"}, []string{"authTest", "listUsers", "status", "updateProject"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := names(d.Allowed(tt.scopes)); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestSeedAPIsDocument: paths with the server's base path, the public
// operations listed, workspaces from x-keygate-workspace, the vocabulary
// with its descriptions.
func TestSeedAPIsDocument(t *testing.T) {
	d := seed(t)
	if got, want := names(d.Public()), []string{"status"}; !slices.Equal(got, want) {
		t.Errorf("public: got %v, want %v", got, want)
	}
	byName := map[string]apidoc.Operation{}
	for _, op := range d.Operations {
		byName[op.Name] = op
	}
	if op := byName["getProject"]; op.Method != "GET" || op.Path != "/v2/projects/{id}" || op.WorkspaceParam != "id" {
		t.Errorf("getProject: got %+v, want GET /v2/projects/{id} with workspace parameter id", op)
	}
	if op := byName["listUsers"]; op.WorkspaceParam != "" {
		t.Errorf("listUsers: workspace parameter %q, want none", op.WorkspaceParam)
	}
	var vocabulary []string
	for _, s := range d.Scopes {
		vocabulary = append(vocabulary, s.Name)
		if s.Name == "read:users" && s.Description != "Read user information" {
			t.Errorf("read:users: description %q", s.Description)
		}
	}
	want := []string{"admin:all", "delete:users", "read:projects", "read:users", "write", "write:projects", "write:users"}
	if !slices.Equal(vocabulary, want) {
		t.Errorf("scopes: got %v, want %v", vocabulary, want)
	}
}

// doc is a minimal document around paths and components, in OpenAPI
// version v.
func doc(v, rest string) []byte {
	return []byte("openapi: " + v + "\ninfo: {title: t, version: '1'}\n" + rest)
}

const schemes = `components:
  securitySchemes:
    o:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: https://a.example.com/t
          scopes: {a: A, b: B, c: C}
    bearer: {type: http, scheme: bearer}
    header: {type: apiKey, in: header, name: X-API-Key}
    basic: {type: http, scheme: basic}
`

// TestSecuritySemantics: OpenAPI's own rules, one operation each.
func TestSecuritySemantics(t *testing.T) {
	tests := []struct {
		name       string
		version    string
		paths      string
		public     bool
		allowed    [][]string // scope sets admitted
		notAllowed [][]string
	}{
		{"no security anywhere: public", "3.0.3", "paths: {/x: {get: {}}}", true, nil, nil},
		{"security: [] on the operation overrides the top level", "3.0.3",
			"security: [{o: [a]}]\npaths: {/x: {get: {security: []}}}", true, nil, nil},
		{"inherited from the top level", "3.0.3", "security: [{o: [a]}]\npaths: {/x: {get: {}}}", false,
			[][]string{{"a"}}, [][]string{{}, {"b"}}},
		{"the operation's replaces the top level's", "3.0.3", "security: [{o: [a]}]\npaths: {/x: {get: {security: [{o: [b]}]}}}", false,
			[][]string{{"b"}}, [][]string{{"a"}}},
		{"alternatives: any one", "3.0.3", "paths: {/x: {get: {security: [{o: [a]}, {o: [b]}]}}}", false,
			[][]string{{"a"}, {"b"}}, [][]string{{"c"}, {}}},
		{"within one: all", "3.0.3", "paths: {/x: {get: {security: [{o: [a, b]}]}}}", false,
			[][]string{{"a", "b"}, {"a", "b", "c"}}, [][]string{{"a"}, {"b"}}},
		{"two schemes in one requirement: both", "3.1.0", "paths: {/x: {get: {security: [{o: [a], bearer: [role1]}]}}}", false,
			[][]string{{"a", "role1"}}, [][]string{{"a"}, {"role1"}}},
		{"an empty scope list: any valid key", "3.0.3", "paths: {/x: {get: {security: [{o: []}]}}}", false,
			[][]string{{}, {"c"}}, nil},
		{"{} among the alternatives: authentication optional, public", "3.0.3", "paths: {/x: {get: {security: [{o: [a]}, {}]}}}", true, nil, nil},
		{"bearer role lists (3.1)", "3.1.0", "paths: {/x: {get: {security: [{bearer: [admin]}]}}}", false,
			[][]string{{"admin"}}, [][]string{{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := compile.Compile(doc(tt.version, schemes+tt.paths), compile.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Operations) != 1 {
				t.Fatalf("operations: %+v", d.Operations)
			}
			op := d.Operations[0]
			if op.Public != tt.public {
				t.Errorf("public: got %v, want %v (%+v)", op.Public, tt.public, op)
			}
			for _, s := range tt.allowed {
				if !op.Allows(s) {
					t.Errorf("scopes %v: refused, want allowed (%+v)", s, op)
				}
			}
			for _, s := range tt.notAllowed {
				if op.Allows(s) {
					t.Errorf("scopes %v: allowed, want refused (%+v)", s, op)
				}
			}
		})
	}
}

// TestRefusals: what keygate cannot protect as written is refused, each
// problem naming its operation or element.
func TestRefusals(t *testing.T) {
	tests := []struct {
		name, version, rest string
		want                []string
	}{
		{"Swagger 2.0", "2.0", "paths: {}", []string{`openapi: "2.0" is not 3.0.x or 3.1.x`}},
		{"no version", "''", "paths: {}", []string{`openapi: "" is not 3.0.x or 3.1.x`}},
		{"an apiKey in a custom header", "3.0.3", schemes + "paths: {/x: {get: {security: [{header: []}]}}}",
			[]string{`GET /x: security scheme "header" (apiKey in header "X-API-Key") is not verified by keygate`}},
		{"basic auth", "3.0.3", schemes + "paths: {/x: {post: {operationId: p, security: [{basic: []}]}}}",
			[]string{`POST /x: security scheme "basic" (http basic) is not verified`}},
		{"an undeclared scheme", "3.0.3", schemes + "paths: {/x: {get: {security: [{nope: []}]}}}",
			[]string{`GET /x: security scheme "nope" is not declared`}},
		{"a scope the flows do not declare", "3.0.3", schemes + "paths: {/x: {get: {security: [{o: [z]}]}}}",
			[]string{`GET /x: scope "z" is not among the scopes of o's flows`}},
		{"scopes on a bearer scheme in 3.0", "3.0.3", schemes + "paths: {/x: {get: {security: [{bearer: [r]}]}}}",
			[]string{`GET /x: bearer is an http bearer scheme: OpenAPI 3.0 allows no scopes on it`}},
		{"x-keygate-workspace naming no path parameter", "3.0.3", `paths: {"/w/{ws}": {get: {x-keygate-workspace: id}}}`,
			[]string{`GET /w/{ws}: x-keygate-workspace names "id", which is not a path parameter`}},
		{"keygate's own routes", "3.0.3", "paths: {/open/things: {get: {}}}",
			[]string{`GET /open/things: /open/... is keygate's own`}},
		{"keygate's own routes under the base path", "3.0.3", "servers: [{url: /open}]\npaths: {/x: {get: {}}}",
			[]string{`GET /open/x: /open/... is keygate's own`}},
		{"a partial-segment parameter", "3.0.3", `paths: {"/f/{id}.json": {get: {}}}`,
			[]string{`GET /f/{id}.json: a path parameter must be a whole segment`}},
		{"an external $ref", "3.0.3", "paths: {/x: {$ref: 'other.yaml#/x'}}",
			[]string{`$ref "other.yaml#/x": only references within the document`}},
		{"a requirement that is not a map fails closed, not public", "3.0.3", schemes + "paths: {/x: {get: {security: [bearer]}}}",
			[]string{`GET /x: security: each requirement is a map`}},
		{"scopes that are not a list", "3.1.0", schemes + "paths: {/x: {get: {security: [{bearer: 'read:x'}]}}}",
			[]string{`GET /x: security: bearer's scopes must be a list`}},
		{"every problem at once", "3.0.3", schemes + "paths: {/a: {get: {security: [{header: []}]}}, /open: {get: {}}}",
			[]string{`GET /a: security scheme "header"`, `GET /open: /open/... is keygate's own`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := compile.Compile(doc(tt.version, tt.rest), compile.Options{})
			if err == nil {
				t.Fatal("got no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("got %q, want it to contain %q", err, w)
				}
			}
		})
	}
}

// TestUnquotedVersion: openapi: 3.0, unquoted, is YAML's number 3.0 and
// still a 3.0 document.
func TestUnquotedVersion(t *testing.T) {
	if _, err := compile.Compile(doc("3.0", "paths: {/x: {get: {}}}"), compile.Options{}); err != nil {
		t.Error(err)
	}
}

// TestBasePathAndRefs: the first server's path prefixes every operation
// (its variables at their defaults); $refs within the document are
// followed.
func TestBasePathAndRefs(t *testing.T) {
	d, err := compile.Compile(doc("3.0.3", `servers: [{url: 'https://{host}/{version}', variables: {host: {default: api.example.com}, version: {default: v3}}}]
components:
  securitySchemes:
    o: {$ref: '#/components/x-schemes/o'}
  x-schemes:
    o: {type: oauth2, flows: {implicit: {authorizationUrl: 'https://a/x', scopes: {'pets:read': Read pets}}}}
  pathItems:
    pets: {get: {operationId: listPets, security: [{o: ['pets:read']}]}}
paths:
  /pets: {$ref: '#/components/pathItems/pets'}
`), compile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Operations) != 1 || d.Operations[0].Path != "/v3/pets" || !d.Operations[0].Allows([]string{"pets:read"}) || d.Operations[0].Allows(nil) {
		t.Errorf("got %+v, want GET /v3/pets needing pets:read", d.Operations)
	}
}

// TestEncodeDecode: the compiled form the Lambdas read is the document.
func TestEncodeDecode(t *testing.T) {
	d := seed(t)
	b, err := apidoc.Encode(d)
	if err != nil {
		t.Fatal(err)
	}
	got, err := apidoc.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if names(got.Operations) == nil || !slices.Equal(names(got.Operations), names(d.Operations)) || len(got.Scopes) != len(d.Scopes) {
		t.Errorf("round trip: got %+v, want %+v", got, d)
	}
	for i := range d.Operations {
		if !slices.EqualFunc(got.Operations[i].Requirements, d.Operations[i].Requirements, func(a, b apidoc.Requirement) bool { return slices.Equal(a.Scopes, b.Scopes) }) {
			t.Errorf("%s: requirements %+v, want %+v", d.Operations[i].Name, got.Operations[i].Requirements, d.Operations[i].Requirements)
		}
	}
}

// FuzzCompile: no input makes Compile panic; what it accepts encodes and
// decodes.
func FuzzCompile(f *testing.F) {
	b, err := os.ReadFile("../../../examples/api/openapi.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add(doc("3.1.0", schemes+"paths: {/x: {get: {security: [{o: [a]}]}}}"))
	f.Add([]byte(`{"openapi":"3.0.0","paths":{"/a/{b}":{"$ref":"#/paths/~1a~1{b}"}}}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		d, err := compile.Compile(in, compile.Options{})
		if err != nil {
			return
		}
		if _, err := apidoc.Encode(d); err != nil {
			t.Errorf("encode an accepted document: %v", err)
		}
	})
}

// TestDefaultDocument: api/default.yaml, the document of the workspace
// routes, compiles (keygate's /open reservation lifted for it) to exactly
// apidoc.Default, which the functions serve without a document of the
// team's.
func TestDefaultDocument(t *testing.T) {
	b, err := os.ReadFile("../../../api/default.yaml")
	if err != nil {
		t.Fatal(err)
	}
	got, err := compile.Compile(b, compile.Options{Reserved: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	if want := apidoc.Default(); !reflect.DeepEqual(got, want) {
		t.Errorf("api/default.yaml compiles to\n%+v\nwant apidoc.Default\n%+v", got, want)
	}
	if _, err := compile.Compile(b, compile.Options{}); err == nil || !strings.Contains(err.Error(), "PUT /open/workspace/{workspaceId}: /open/... is keygate's own") {
		t.Errorf("as a team's document: %v, want the /open routes refused", err)
	}
}

// TestOptionsOperationRefused: OPTIONS is the API's CORS preflight, which
// SAM answers without a key or a usage plan, so an OPTIONS operation is
// refused at build, naming it.
func TestOptionsOperationRefused(t *testing.T) {
	doc := []byte("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /things:\n    options: {responses: {'200': {description: ok}}}\n")
	_, err := compile.Compile(doc, compile.Options{})
	if err == nil || !strings.Contains(err.Error(), "OPTIONS /things: OPTIONS is the API's CORS preflight") {
		t.Errorf("got %v, want the OPTIONS operation refused by name", err)
	}
}
