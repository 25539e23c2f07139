package templatecheck_test

import (
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"keygate/dev/samtemplate"
	"keygate/shared/apidoc"
	"keygate/shared/apidoc/compile"
	"keygate/shared/store"
)

// TestUpstreamProxies reads the upstream's HTTP_PROXY routes as the local
// gateway serves them, for each value of the parameters that shape them:
// one per operation of the default document, behind the operations
// authorizer, with the identity headers.
func TestUpstreamProxies(t *testing.T) {
	verdict := map[string]string{
		"integration.request.path.workspaceId":            "method.request.path.workspaceId",
		"integration.request.header.X-Keygate-User-Id":    "context.authorizer.userId",
		"integration.request.header.X-Keygate-Key-Id":     "context.authorizer.keyId",
		"integration.request.header.X-Keygate-Scopes":     "context.authorizer.scopes",
		"integration.request.header.X-Keygate-Workspaces": "context.authorizer.workspaces",
		"integration.request.header.X-Keygate-Assertion":  "context.authorizer.assertion",
	}
	with := func(extra ...string) map[string]string {
		m := maps.Clone(verdict)
		for i := 0; i < len(extra); i += 2 {
			m[extra[i]] = extra[i+1]
		}
		return m
	}
	t.Run("no upstream: no proxy routes", func(t *testing.T) {
		if got := loadTemplate(t, nil).Proxies; len(got) != 0 {
			t.Errorf("got %+v, want none", got)
		}
	})
	for _, tt := range []struct {
		name      string
		forward   string
		wantBare  map[string]string
		wantProxy map[string]string
	}{
		{"Authorization stripped by default", "false",
			with("integration.request.header.Authorization", "'none'"),
			with("integration.request.header.Authorization", "'none'", "integration.request.path.proxy", "method.request.path.proxy")},
		{"Authorization forwarded", "true",
			with(),
			with("integration.request.path.proxy", "method.request.path.proxy")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tpl := loadTemplate(t, map[string]string{"UpstreamUrl": "https://tianji.example.com/base", "UpstreamForwardAuthorization": tt.forward})
			var got, want []string
			for _, op := range apidoc.Default().Operations {
				want = append(want, op.Method+" "+op.Path)
			}
			for _, p := range tpl.Proxies {
				got = append(got, p.Method+" "+p.Path)
				if !p.Authorized || p.AuthorizerName != compile.OperationsAuthorizer || !p.APIKeyRequired || p.TimeoutMillis != 29000 {
					t.Errorf("%s %s: got %+v, want authorized by %s, API key required, 29000 ms", p.Method, p.Path, p, compile.OperationsAuthorizer)
				}
				params, uri := tt.wantBare, "https://tianji.example.com/base/open/workspace/{workspaceId}"
				if p.Path == "/open/workspace/{workspaceId}/{proxy+}" {
					params, uri = tt.wantProxy, uri+"/{proxy}"
				} else if p.Path != "/open/workspace/{workspaceId}" {
					t.Errorf("unexpected proxy path %s", p.Path)
				}
				if p.URI != uri {
					t.Errorf("%s uri: got %s, want %s", p.Path, p.URI, uri)
				}
				if !maps.Equal(p.RequestParameters, params) {
					t.Errorf("%s mappings:\n got %v\nwant %v", p.Path, p.RequestParameters, params)
				}
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("proxy routes %v, want the default document's %v", got, want)
			}
		})
	}
}

// TestTemplateServesTheDefaultDocument: template.yaml's DefinitionBody
// paths are exactly the composition of apidoc.Default — the workspace
// routes are the default API document, served by the one mechanism that
// serves a team's (regenerate them with keygate apidoc template when this
// fails).
func TestTemplateServesTheDefaultDocument(t *testing.T) {
	var root yaml.Node
	if err := yaml.Unmarshal(readFile(t, filepath.Join(repoRoot(t), "template.yaml")), &root); err != nil {
		t.Fatal(err)
	}
	paths := find(t, root.Content[0], "Resources", "KeygateApi", "Properties", "DefinitionBody", "paths")
	encode := func(n *yaml.Node) string {
		var b strings.Builder
		enc := yaml.NewEncoder(&b)
		enc.SetIndent(2)
		if err := enc.Encode(n); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	if got, want := encode(paths), encode(compile.Paths(apidoc.Default())); got != want {
		t.Errorf("template.yaml's paths differ from the default document's composition:\n got:\n%s\nwant:\n%s", got, want)
	}
}

// find is the value at keys in a mapping node.
func find(tb testing.TB, n *yaml.Node, keys ...string) *yaml.Node {
	tb.Helper()
	for _, k := range keys {
		var next *yaml.Node
		for i := 0; n.Kind == yaml.MappingNode && i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				next = n.Content[i+1]
			}
		}
		if next == nil {
			tb.Fatalf("template: no %s", k)
		}
		n = next
	}
	return n
}

// TestStreamFilterNamesTheTriggers: the delivery mapping's filter passes
// exactly the inserts store.Trigger reads (store.StreamPrefixes), so no
// trigger is filtered out on AWS and nothing else wakes the function; the
// usage mapping's passes the key and lane items as they are written.
func TestStreamFilterNamesTheTriggers(t *testing.T) {
	all := loadTemplate(t, nil).StreamMappings
	byFunction := map[string]samtemplate.StreamMapping{}
	for _, m := range all {
		byFunction[m.FunctionID] = m
	}
	usage := byFunction["UsageAggregatorFunction"]
	if len(all) != 2 || !usage.ReportBatchItemFailures || !slices.Equal(usage.Filters,
		[]string{`{"eventName":["INSERT","MODIFY"],"dynamodb":{"Keys":{"pk":{"S":[{"prefix":"KEY#"}]},"sk":{"S":["KEY"]}}}}`}) {
		t.Fatalf("stream mappings %+v, want WebhookDeliveryFunction's and UsageAggregatorFunction's on key items", all)
	}
	ms := []samtemplate.StreamMapping{byFunction["WebhookDeliveryFunction"]}
	if !ms[0].ReportBatchItemFailures {
		t.Fatalf("stream mappings %+v, want WebhookDeliveryFunction's with ReportBatchItemFailures", all)
	}
	var want []string
	for _, p := range store.StreamPrefixes {
		want = append(want, `{"eventName":["INSERT"],"dynamodb":{"Keys":{"pk":{"S":[{"prefix":"`+p+`"}]}}}}`)
	}
	if !slices.Equal(ms[0].Filters, want) {
		t.Errorf("filters\n got %v\nwant %v", ms[0].Filters, want)
	}
}
