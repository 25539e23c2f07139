package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"keygate/internal/demo"
	"keygate/internal/gateway"
	"keygate/internal/gateway/inproc"
	"keygate/internal/lambdarun"
	"keygate/internal/modroot"
	"keygate/internal/samtemplate"
	"keygate/shared/apikey"
	"keygate/shared/store"
)

// eventPrefixes maps each function to its sample events' file prefix.
var eventPrefixes = map[string]string{
	"AuthorizerFunction": "authorizer",
	"ApiKeysFunction":    "apikeys",
	"IdentityFunction":   "identity",
	"ConfigFunction":     "config",
}

// authorizerWant is the expected outcome of each authorizer sample event.
var authorizerWant = map[string]string{
	"authorizer-valid-key.json":       "Allow",
	"authorizer-expired-key.json":     "Deny",
	"authorizer-unknown-key.json":     "Deny",
	"authorizer-malformed-token.json": "Unauthorized",
	"authorizer-missing-header.json":  "Unauthorized",
	"authorizer-wrong-scheme.json":    "Unauthorized",
}

// seedSampleKeys stores the keys the authorizer samples name: the
// valid-key token as a live key of the demo user, the expired-key token as
// an expired one. Unparseable placeholders are left out (their events then
// cannot Allow, and the test says so).
func seedSampleKeys(tb testing.TB, st *store.Store) {
	tb.Helper()
	for file, expired := range map[string]bool{"authorizer-valid-key.json": false, "authorizer-expired-key.json": true} {
		raw, err := os.ReadFile(filepath.Join("..", "events", file))
		if err != nil {
			tb.Fatalf("sample event: %v", err)
		}
		var ev events.APIGatewayCustomAuthorizerRequestTypeRequest
		if err := json.Unmarshal(raw, &ev); err != nil {
			tb.Fatal(err)
		}
		token := strings.TrimSpace(strings.TrimPrefix(ev.Headers["Authorization"], "Bearer"))
		id, err := apikey.Parse(token, apikey.DefaultPrefix)
		if err != nil {
			tb.Fatalf("%s: its token is not a well-formed key (%v): the sample cannot show its case", file, err)
		}
		created := time.Now().Add(-2 * time.Hour)
		k := store.Key{ID: id, UserID: demo.UserID, Name: file, Hash: apikey.Hash(token), Start: token[:len(apikey.DefaultPrefix)+9],
			Scopes: store.AllScopes, CreatedAt: created}
		if expired {
			exp := time.Now().Add(-time.Hour)
			k.ExpiresAt = &exp
		}
		if err := st.CreateKey(tb.Context(), k); err != nil {
			tb.Fatalf("%s: %v", file, err)
		}
	}
}

func TestBootstrapsAnswerSampleEvents(t *testing.T) {
	s := newStack(t)
	if _, err := demo.Seed(t.Context(), s.st, apikey.DefaultPrefix); err != nil {
		t.Fatal(err)
	}
	seedSampleKeys(t, s.st)
	tmpl, err := samtemplate.Load(templatePath, map[string]string{"KeysTable": s.table})
	if err != nil {
		t.Fatal(err)
	}
	root, err := modroot.Find()
	if err != nil {
		t.Fatal(err)
	}
	for id, pkg := range lambdarun.Packages {
		t.Run(id, func(t *testing.T) {
			files, _ := filepath.Glob(filepath.Join("..", "events", eventPrefixes[id]+"-*.json"))
			if len(files) == 0 {
				t.Fatalf("no sample events events/%s-*.json", eventPrefixes[id])
			}
			bin, err := lambdarun.Build(t.Context(), root, pkg, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			env, err := inproc.Env(tmpl, id, s.table, s.endpoint, "us-east-1")
			if err != nil {
				t.Fatal(err)
			}
			rt, err := lambdarun.Start(t.Context(), lambdarun.Config{
				Bootstrap: bin, FunctionName: id, Env: env, Timeout: 10 * time.Second,
				Stdout: s.logs, Stderr: s.logs,
			})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = rt.Stop() })
			for _, f := range files {
				name := filepath.Base(f)
				t.Run(name, func(t *testing.T) {
					event, err := os.ReadFile(f)
					if err != nil {
						t.Fatal(err)
					}
					resp, err := rt.Invoke(t.Context(), event)
					if err != nil {
						t.Fatal(err)
					}
					if id == "AuthorizerFunction" {
						checkAuthorizerAnswer(t, name, resp)
						return
					}
					checkProxyAnswer(t, resp)
				})
			}
		})
	}
}

// checkAuthorizerAnswer checks an authorizer sample's documented outcome.
func checkAuthorizerAnswer(t *testing.T, name string, resp lambdarun.Response) {
	t.Helper()
	want, ok := authorizerWant[name]
	if !ok {
		t.Fatalf("no expected outcome for %s: add it to authorizerWant", name)
	}
	if want == "Unauthorized" {
		if resp.Err == nil || resp.Err.Message != "Unauthorized" {
			t.Errorf("got %s %v, want the error Unauthorized", resp.Payload, resp.Err)
		}
		return
	}
	if resp.Err != nil {
		t.Fatalf("got error %v, want a %s policy", resp.Err, want)
	}
	policy := struct {
		PrincipalID    string          `json:"principalId"`
		PolicyDocument json.RawMessage `json:"policyDocument"`
	}{}
	if err := json.Unmarshal(resp.Payload, &policy); err != nil {
		t.Fatal(err)
	}
	p, err := gateway.ParsePolicy(policy.PolicyDocument)
	if err != nil {
		t.Fatalf("policy: %v in %s", err, resp.Payload)
	}
	// Every valid key may call whoami; the samples' methodArn is on this API.
	arn := gateway.MethodARN("us-east-1", "123456789012", "abcdef1234", "v1", "GET", "/open/auth/whoami")
	allowed := p.Evaluate("execute-api:Invoke", arn) == gateway.DecisionAllow
	switch {
	case want == "Allow" && (!allowed || policy.PrincipalID != demo.UserID):
		t.Errorf("got %s, want an Allow of whoami for %s", resp.Payload, demo.UserID)
	case want == "Deny" && allowed:
		t.Errorf("got %s, want a policy that allows nothing", resp.Payload)
	}
}

// checkProxyAnswer checks a function's answer is a proxy response with a
// JSON body and no server error.
func checkProxyAnswer(t *testing.T, resp lambdarun.Response) {
	t.Helper()
	if resp.Err != nil {
		t.Fatalf("got error %v, want a proxy response", resp.Err)
	}
	var pr events.APIGatewayProxyResponse
	if err := json.Unmarshal(resp.Payload, &pr); err != nil {
		t.Fatalf("not a proxy response: %v: %s", err, resp.Payload)
	}
	if pr.StatusCode < 200 || pr.StatusCode >= 500 {
		t.Errorf("got status %d %s, want a 2xx-4xx answer", pr.StatusCode, pr.Body)
	}
	if !json.Valid([]byte(pr.Body)) {
		t.Errorf("got body %q, want JSON", pr.Body)
	}
}
