package e2e

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"testing"

	"keygate/shared/apidoc"
	"keygate/shared/apidoc/compile"
	"keygate/shared/keys"
)

// generatedDocument is an OpenAPI document of n operations drawn from r:
// paths of literal and parameter segments (some a workspace parameter),
// requirements over the scopes s1..s4 (alternatives of one or two scopes,
// an empty one, or public).
func generatedDocument(r *rand.Rand, n int) []byte {
	var b strings.Builder
	b.WriteString("openapi: 3.0.3\ninfo: {title: generated, version: '1'}\n")
	b.WriteString("components:\n  securitySchemes:\n    o:\n      type: oauth2\n      flows:\n        clientCredentials:\n          tokenUrl: https://a.example.com/t\n          scopes: {s1: one, s2: two, s3: three, s4: four}\n")
	b.WriteString("paths:\n")
	seen := map[string]bool{}
	byPath := map[string][]string{} // the path's operations, as YAML
	var order []string
	methods := []string{"get", "put", "post", "delete", "patch"}
	for len(seen) < n {
		segs := []string{"/r" + fmt.Sprint(r.IntN(3))}
		ws := ""
		for i := range 1 + r.IntN(3) {
			switch r.IntN(3) {
			case 0:
				segs = append(segs, "/{p"+fmt.Sprint(i)+"}")
				if ws == "" && r.IntN(2) == 0 {
					ws = "p" + fmt.Sprint(i)
				}
			default:
				segs = append(segs, "/l"+fmt.Sprint(r.IntN(2)))
			}
		}
		path := strings.Join(segs, "")
		method := methods[r.IntN(len(methods))]
		if seen[method+" "+path] {
			continue
		}
		seen[method+" "+path] = true
		var sec string
		switch r.IntN(6) {
		case 0:
			sec = "[]"
		case 1:
			sec = "[{o: []}]"
		default:
			var alts []string
			for range 1 + r.IntN(2) {
				scopes := []string{fmt.Sprintf("s%d", 1+r.IntN(4))}
				if r.IntN(2) == 0 {
					scopes = append(scopes, fmt.Sprintf("s%d", 1+r.IntN(4)))
				}
				alts = append(alts, "{o: ["+strings.Join(scopes, ", ")+"]}")
			}
			sec = "[" + strings.Join(alts, ", ") + "]"
		}
		op := fmt.Sprintf("    %s:\n      security: %s\n", method, sec)
		if ws != "" {
			op += fmt.Sprintf("      x-keygate-workspace: %s\n", ws)
		}
		if byPath[path] == nil {
			order = append(order, path)
		}
		byPath[path] = append(byPath[path], op)
	}
	for _, path := range order {
		fmt.Fprintf(&b, "  %q:\n%s", path, strings.Join(byPath[path], ""))
	}
	return []byte(b.String())
}

// concrete is a request path of op: its workspace parameter the member
// workspace, its other parameters a value no literal segment has.
func concrete(op apidoc.Operation, workspace string) string {
	segs := strings.Split(op.Path, "/")
	for i, s := range segs {
		if name, ok := strings.CutPrefix(s, "{"); ok {
			segs[i] = "v" + strings.TrimSuffix(name, "}")
			if strings.TrimSuffix(name, "}") == op.WorkspaceParam {
				segs[i] = workspace
			}
		}
	}
	return strings.Join(segs, "/")
}

// TestGeneratedDocumentsAdmitExactlyTheRequirements: for documents drawn
// from a fixed seed (the same every run), through the local gateway and
// its IAM evaluation, the cache off and on, a key reaches exactly the
// operations whose requirements its scopes meet (OpenAPI's rules,
// apidoc.Operation.Allows), each answered by the upstream, and no other.
func TestGeneratedDocumentsAdmitExactlyTheRequirements(t *testing.T) {
	r := rand.New(rand.NewPCG(2026, 12))
	scopeSets := [][]keys.Scope{{"s1"}, {"s2", "s3"}, {"s1", "s4"}, {"s1", "s2", "s3", "s4"}}
	for round := range 3 {
		raw := generatedDocument(r, 10)
		d, err := compile.Compile(raw, compile.Options{})
		if err != nil {
			t.Fatalf("round %d: %v\n%s", round, err, raw)
		}
		for _, ttl := range []string{"0", "300"} {
			t.Run(fmt.Sprintf("round %d, cache %s", round, ttl), func(t *testing.T) {
				s := newStack(t)
				s.user(t, "alice", map[string]keys.Role{"w1": keys.RoleOwner})
				s.document = &d
				up := newUpstream(t)
				srv := s.gateway(t, map[string]string{"UpstreamUrl": up.url, "AuthorizerCacheTtl": ttl})
				admitted, refused := 0, 0
				for _, scopes := range scopeSets {
					token := s.key(t, "alice", scopes...)
					names := make([]string, len(scopes))
					for i, sc := range scopes {
						names[i] = string(sc)
					}
					for _, op := range d.Operations {
						path := concrete(op, "w1")
						resp := srv.do(t, op.Method, path, token, "")
						got := up.take()
						want := op.Allows(names)
						if want {
							admitted++
						} else {
							refused++
						}
						switch {
						case want && (resp.status != http.StatusCreated || len(got) != 1 || got[0].path != path):
							t.Errorf("%v: %s %s (%s): got %d and %d upstream requests, want it forwarded once\n%s", names, op.Method, path,
								op.Path, resp.status, len(got), raw)
						case !want && (resp.status != http.StatusForbidden || len(got) != 0):
							t.Errorf("%v: %s %s (%s, requirements %v): got %d and %d upstream requests, want the 403 and none", names, op.Method, path,
								op.Path, op.Requirements, resp.status, len(got))
						}
					}
				}
				if admitted == 0 || refused == 0 || slices.IndexFunc(d.Operations, func(op apidoc.Operation) bool { return op.WorkspaceParam != "" }) < 0 {
					t.Fatalf("round %d: %d admitted, %d refused, a workspace operation %v: the draw proves too little", round, admitted, refused,
						slices.IndexFunc(d.Operations, func(op apidoc.Operation) bool { return op.WorkspaceParam != "" }) >= 0)
				}
			})
		}
	}
}
