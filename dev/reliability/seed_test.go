package reliability

import (
	"encoding/json"
	"strings"
	"testing"

	"keygate/dev/gateway"
)

// TestAuthorizerEvent checks the REQUEST event: the token in both header
// maps and a methodArn that is the one API Gateway builds from the event's
// own account, API id, stage, method and path.
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
			AccountID    string `json:"accountId"`
			APIID        string `json:"apiId"`
			Stage        string `json:"stage"`
			ResourcePath string `json:"resourcePath"`
		} `json:"requestContext"`
	}
	if err := json.Unmarshal(mustJSON(t, ev), &got); err != nil {
		t.Fatal(err)
	}
	checks := []struct{ name, got, want string }{
		{"type", got.Type, "REQUEST"},
		{"methodArn", got.MethodArn, gateway.MethodARN("us-east-1", got.RequestContext.AccountID, got.RequestContext.APIID,
			got.RequestContext.Stage, got.HTTPMethod, got.Path)},
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
