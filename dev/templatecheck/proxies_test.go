package templatecheck_test

import (
	"slices"

	"keygate/shared/store"
	"maps"
	"testing"
)

// TestUpstreamProxies reads the upstream's HTTP_PROXY routes as the local
// gateway serves them, for each value of the parameters that shape them.
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
			if len(tpl.Proxies) != 2 {
				t.Fatalf("got %d proxy routes, want 2", len(tpl.Proxies))
			}
			for _, p := range tpl.Proxies {
				if p.Method != "ANY" || !p.Authorized || !p.APIKeyRequired || p.TimeoutMillis != 29000 {
					t.Errorf("%s: got %+v, want ANY, authorized, API key required, 29000 ms", p.Path, p)
				}
				want, uri := tt.wantBare, "https://tianji.example.com/base/open/workspace/{workspaceId}"
				if p.Path == "/open/workspace/{workspaceId}/{proxy+}" {
					want, uri = tt.wantProxy, uri+"/{proxy}"
				} else if p.Path != "/open/workspace/{workspaceId}" {
					t.Errorf("unexpected proxy path %s", p.Path)
				}
				if p.URI != uri {
					t.Errorf("%s uri: got %s, want %s", p.Path, p.URI, uri)
				}
				if !maps.Equal(p.RequestParameters, want) {
					t.Errorf("%s mappings:\n got %v\nwant %v", p.Path, p.RequestParameters, want)
				}
			}
		})
	}
}

// TestStreamFilterNamesTheTriggers: the delivery mapping's filter passes
// exactly the inserts store.Trigger reads (store.StreamPrefixes), so no
// trigger is filtered out on AWS and nothing else wakes the function.
func TestStreamFilterNamesTheTriggers(t *testing.T) {
	ms := loadTemplate(t, nil).StreamMappings
	if len(ms) != 1 || ms[0].FunctionID != "WebhookDeliveryFunction" || !ms[0].ReportBatchItemFailures {
		t.Fatalf("stream mappings %+v, want WebhookDeliveryFunction's with ReportBatchItemFailures", ms)
	}
	var want []string
	for _, p := range store.StreamPrefixes {
		want = append(want, `{"eventName":["INSERT"],"dynamodb":{"Keys":{"pk":{"S":[{"prefix":"`+p+`"}]}}}}`)
	}
	if !slices.Equal(ms[0].Filters, want) {
		t.Errorf("filters\n got %v\nwant %v", ms[0].Filters, want)
	}
}
