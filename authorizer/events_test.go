package authorizer_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"keygate/authorizer"
	"keygate/shared/apikey"
	"keygate/shared/keys"
)

// The placeholder tokens in events/authorizer-*.json. They are well-formed
// (valid checksum) but no deployment holds them: the tests swap in a real key
// or store a key under the placeholder.
const (
	placeholderValid   = "sk_ValidKeyExample0PlaceholderSecretReplaceWithARealKeyGateKey3bME1E"
	placeholderExpired = "sk_ExpiredKeyExamplPlaceholderSecretReplaceWithAnExpiredKey0002EUfMn"
)

// sampleBase is the API stage of the sample events' methodArn.
const sampleBase = "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/v1"

func TestSampleEvents(t *testing.T) {
	f := newFixture(t, authorizer.Config{})
	f.user("demo", map[string]keys.Role{"ws_demo": keys.RoleOwner})
	valid := f.key("demo", keys.AllScopes, nil)
	// The expired sample's placeholder is stored as a key that has expired.
	f.storeKey("demo", apikey.Key{Token: placeholderExpired, ID: "ExpiredKeyExampl", Hash: apikey.Hash(placeholderExpired), Start: "sk_ExpiredK"},
		keys.AllScopes, ptr(time.Now().Add(-time.Hour)))

	tests := []struct {
		file       string
		replace    string // token in the event to replace by a real key's
		want       string
		wantReason string
		wantCalls  int
	}{
		{"authorizer-valid-key.json", placeholderValid, "allow", "", 2},
		{"authorizer-missing-header.json", "", "unauthorized", "", 0},
		{"authorizer-wrong-scheme.json", "", "unauthorized", "", 0},
		{"authorizer-malformed-token.json", "", "unauthorized", "", 0},
		{"authorizer-unknown-key.json", "", "deny", "KEY_INVALID", 1},
		{"authorizer-expired-key.json", "", "deny", "KEY_EXPIRED", 1},
	}
	files, err := filepath.Glob("../events/authorizer-*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(tests) {
		t.Errorf("got %d sample events, want %d", len(files), len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("..", "events", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if !json.Valid(raw) {
				t.Fatalf("%s is not valid JSON", tt.file)
			}
			if tt.replace != "" {
				if !strings.Contains(string(raw), tt.replace) {
					t.Fatalf("%s lacks the placeholder token", tt.file)
				}
				raw = []byte(strings.ReplaceAll(string(raw), tt.replace, valid.Token))
			}
			checkEventShape(t, raw)
			var req events.APIGatewayCustomAuthorizerRequestTypeRequest
			if err := json.Unmarshal(raw, &req); err != nil {
				t.Fatal(err)
			}
			f.calls.take()
			resp, err := f.h.Handle(t.Context(), req)
			if got := decision(resp, err); got != tt.want {
				t.Fatalf("got %s (%v), want %s", got, err, tt.want)
			}
			if calls := f.calls.take(); len(calls) != tt.wantCalls {
				t.Errorf("got DynamoDB calls %v, want %d", calls, tt.wantCalls)
			}
			if tt.want == "deny" && resp.Context["reason"] != tt.wantReason {
				t.Errorf("got reason %v, want %s", resp.Context["reason"], tt.wantReason)
			}
			if tt.want == "allow" {
				res := resp.PolicyDocument.Statement[0].Resource
				if !slices.Contains(res, sampleBase+"/*/open/workspace/ws_demo") || !slices.Contains(res, sampleBase+"/GET/open/auth/whoami") {
					t.Errorf("got resources %v, want whoami and ws_demo under %s", res, sampleBase)
				}
			}
		})
	}
}

// checkEventShape asserts the top-level fields of API Gateway's REQUEST
// authorizer event, and that headers and multiValueHeaders agree.
func checkEventShape(tb testing.TB, raw []byte) {
	tb.Helper()
	var ev map[string]json.RawMessage
	if err := json.Unmarshal(raw, &ev); err != nil {
		tb.Fatal(err)
	}
	for _, k := range []string{"type", "methodArn", "resource", "path", "httpMethod", "headers", "multiValueHeaders",
		"queryStringParameters", "pathParameters", "stageVariables", "requestContext"} {
		if _, ok := ev[k]; !ok {
			tb.Errorf("event lacks %q", k)
		}
	}
	var typ string
	_ = json.Unmarshal(ev["type"], &typ)
	if typ != "REQUEST" {
		tb.Errorf("got type %q, want REQUEST", typ)
	}
	var headers map[string]string
	var multi map[string][]string
	_ = json.Unmarshal(ev["headers"], &headers)
	_ = json.Unmarshal(ev["multiValueHeaders"], &multi)
	if len(headers) != len(multi) {
		tb.Errorf("got %d headers and %d multiValueHeaders, want the same", len(headers), len(multi))
	}
	for k, v := range headers {
		if !slices.Equal(multi[k], []string{v}) {
			tb.Errorf("header %s: got %q and %q, want them equal", k, v, multi[k])
		}
	}
}
