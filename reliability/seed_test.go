package reliability

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestAuthorizerEvent checks the REQUEST event: the token in both header
// maps and a methodArn that matches the path, stage and method.
func TestAuthorizerEvent(t *testing.T) {
	ev := AuthorizerEvent("sk_live_abc")
	var got struct {
		Type              string              `json:"type"`
		MethodArn         string              `json:"methodArn"`
		Path              string              `json:"path"`
		HTTPMethod        string              `json:"httpMethod"`
		Headers           map[string]string   `json:"headers"`
		MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
		RequestContext    struct {
			Stage        string `json:"stage"`
			ResourcePath string `json:"resourcePath"`
		} `json:"requestContext"`
	}
	if err := json.Unmarshal(mustJSON(t, ev), &got); err != nil {
		t.Fatal(err)
	}
	checks := []struct{ name, got, want string }{
		{"type", got.Type, "REQUEST"},
		{"methodArn", got.MethodArn, "arn:aws:execute-api:us-east-1:123456789012:keygatelcl/Prod/GET/open/auth/whoami"},
		{"path", got.Path, "/open/auth/whoami"},
		{"httpMethod", got.HTTPMethod, "GET"},
		{"header", got.Headers["Authorization"], "Bearer sk_live_abc"},
		{"multi-value header", strings.Join(got.MultiValueHeaders["Authorization"], "\n"), "Bearer sk_live_abc"},
		{"stage", got.RequestContext.Stage, "Prod"},
		{"resourcePath", got.RequestContext.ResourcePath, "/open/auth/whoami"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}
}

func mustJSON(tb testing.TB, v any) []byte {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
