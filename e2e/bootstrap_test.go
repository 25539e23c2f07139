package e2e

import (
	"cmp"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"keygate/dev/demo"
	"keygate/dev/gateway"
	"keygate/dev/gateway/inproc"
	"keygate/dev/lambdarun"
	"keygate/dev/modroot"
	"keygate/dev/samtemplate"
	"keygate/dev/testkit/testlog"
	"keygate/shared/apikey"
	"keygate/shared/keys"
)

// eventPrefixes maps each function to its sample events' file prefix.
var eventPrefixes = map[string]string{
	"AuthorizerFunction":      "authorizer",
	"ApiKeysFunction":         "apikeys",
	"IdentityFunction":        "identity",
	"ConfigFunction":          "config",
	"JwksFunction":            "jwks",
	"WebhooksFunction":        "webhooks",
	"WebhookDeliveryFunction": "webhookdelivery",
	"WebhookWorkerFunction":   "webhookworker",
	"UsageAggregatorFunction": "usageaggregator",
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

// denyReason is the reason each Deny sample must give.
var denyReason = map[string]string{
	"authorizer-expired-key.json": "KEY_EXPIRED",
	"authorizer-unknown-key.json": "KEY_INVALID",
}

// proxyWant is the status each proxy function's sample event answers with
// the demo data and the sample key seeded.
var proxyWant = map[string]int{
	"apikeys-create.json":     201,
	"apikeys-list.json":       200,
	"apikeys-get.json":        200,
	"apikeys-rename.json":     200,
	"apikeys-rotate.json":     201,
	"apikeys-delete.json":     204,
	"identity-whoami.json":    200,
	"identity-workspace.json": 200,
	"config-document.json":    200,
	"config-global.json":      200,
	"jwks-keys.json":          200,
	"webhooks-list.json":      200,
}

// flushingSamples are the samples whose request flushes the authorizer
// cache (a rotation or a deletion).
var flushingSamples = map[string]bool{"apikeys-rotate.json": true, "apikeys-delete.json": true}

// flushFailed is the message apikeys logs when a flush fails.
const flushFailed = "authorizer cache flush failed"

// lastRank orders the runLast sample after the others.
func lastRank(file string) int {
	if filepath.Base(file) == runLast {
		return 1
	}
	return 0
}

// runLast is the sample that must run after the others: it deletes the key
// the get, rename and rotate samples act on.
const runLast = "apikeys-delete.json"

// connectRecorder is a loopback HTTPS proxy that refuses every tunnel: the
// ApiKeysFunction bootstrap builds a real API Gateway client, with no
// endpoint setting, so HTTPS_PROXY pointing here keeps its cache flushes on
// this machine, makes them fail, and records where they were going.
type connectRecorder struct {
	url   string
	mu    sync.Mutex
	hosts []string
}

func newConnectRecorder(tb testing.TB) *connectRecorder {
	tb.Helper()
	c := &connectRecorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		c.hosts = append(c.hosts, r.Method+" "+r.Host)
		c.mu.Unlock()
		http.Error(w, "no tunnels in tests", http.StatusBadGateway)
	}))
	tb.Cleanup(srv.Close)
	c.url = srv.URL
	return c
}

// Hosts returns the requests received, as "METHOD host".
func (c *connectRecorder) Hosts() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.hosts)
}

func TestBootstrapsAnswerSampleEvents(t *testing.T) {
	s := newStack(t)
	if _, err := demo.Seed(t.Context(), s.st, apikey.DefaultPrefix); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.SeedSamples(t.Context(), s.st); err != nil {
		t.Fatal(err)
	}
	proxy := newConnectRecorder(t)
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
			slices.SortStableFunc(files, func(a, b string) int {
				return cmp.Compare(lastRank(a), lastRank(b))
			})
			bin, err := lambdarun.Build(t.Context(), root, pkg, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			env, err := inproc.Env(tmpl, id, s.table, s.endpoint, "us-east-1")
			if err != nil {
				t.Fatal(err)
			}
			env["HTTPS_PROXY"] = proxy.url
			fnLogs := &testlog.Buffer{}
			rt, err := lambdarun.Start(t.Context(), lambdarun.Config{
				Bootstrap: bin, FunctionName: id, Env: env, Timeout: 10 * time.Second,
				Stdout: io.MultiWriter(s.logs, fnLogs), Stderr: io.MultiWriter(s.logs, fnLogs),
			})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = rt.Stop() })
			flushes := 0
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
					if id == "UsageAggregatorFunction" {
						checkUsageRecorded(t, s, resp)
						return
					}
					if id == "WebhookDeliveryFunction" || id == "WebhookWorkerFunction" {
						// A ping, or a queued delivery, to a deleted
						// webhook: nothing to queue or send, nothing to
						// retry.
						var r struct {
							BatchItemFailures []any `json:"batchItemFailures"`
						}
						if resp.Err != nil {
							t.Fatalf("function error: %+v", resp.Err)
						}
						if err := json.Unmarshal(resp.Payload, &r); err != nil || len(r.BatchItemFailures) != 0 {
							t.Errorf("got %s (%v), want no batch item failures", resp.Payload, err)
						}
						return
					}
					checkProxyAnswer(t, name, resp)
				})
				if flushingSamples[name] {
					flushes++
				}
			}
			// Stop waits for the process's output to be copied, so every
			// line it logged is in fnLogs now.
			_ = rt.Stop()
			checkFlushes(t, flushes, fnLogs, proxy)
		})
	}
}

// checkUsageRecorded checks the usage sample (a key created, then used
// once) left that one use in its day.
func checkUsageRecorded(t *testing.T, s *stack, resp lambdarun.Response) {
	t.Helper()
	if resp.Err != nil || strings.Contains(string(resp.Payload), "itemIdentifier") {
		t.Fatalf("got %s (%+v), want the batch recorded", resp.Payload, resp.Err)
	}
	used := time.UnixMilli(1795521600000).UTC()
	got, err := s.st.UsageBuckets(t.Context(), "AbC123dEf456GhI7", keys.Daily, used, used)
	if err != nil || len(got) != 1 || got[0].Count != 1 {
		t.Errorf("the sample key's day: %+v (%v), want its one use", got, err)
	}
}

// checkFlushes checks that each flushing sample tried to flush the cache
// through API Gateway and that its failure was only logged (the answer,
// checked by checkProxyAnswer, was still a success).
func checkFlushes(t *testing.T, want int, logs *testlog.Buffer, proxy *connectRecorder) {
	t.Helper()
	got := 0
	for _, l := range logs.Lines() {
		if strings.Contains(l, flushFailed) {
			got++
		}
	}
	if got != want {
		t.Errorf("got %d %q log lines, want %d (one per rotate or delete sample)", got, flushFailed, want)
	}
	if want == 0 {
		return
	}
	const wantHost = "CONNECT apigateway.us-east-1.amazonaws.com:443"
	if hosts := proxy.Hosts(); !slices.Contains(hosts, wantHost) {
		t.Errorf("proxy got %q, want %q", hosts, wantHost)
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
		PrincipalID    string            `json:"principalId"`
		PolicyDocument json.RawMessage   `json:"policyDocument"`
		Context        map[string]string `json:"context"`
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
	case want == "Deny" && policy.Context["reason"] != denyReason[name]:
		t.Errorf("got reason %q, want %q: the sample must show its own case", policy.Context["reason"], denyReason[name])
	}
}

// checkProxyAnswer checks a function's answer is a proxy response with the
// sample's expected status (proxyWant) and a JSON body.
func checkProxyAnswer(t *testing.T, name string, resp lambdarun.Response) {
	t.Helper()
	if resp.Err != nil {
		t.Fatalf("got error %v, want a proxy response", resp.Err)
	}
	var pr events.APIGatewayProxyResponse
	if err := json.Unmarshal(resp.Payload, &pr); err != nil {
		t.Fatalf("not a proxy response: %v: %s", err, resp.Payload)
	}
	want, ok := proxyWant[name]
	if !ok {
		t.Fatalf("no expected status for %s: add it to proxyWant", name)
	}
	if pr.StatusCode != want {
		t.Errorf("got status %d %s, want %d", pr.StatusCode, pr.Body, want)
	}
	if pr.StatusCode == 204 {
		if pr.Body != "" {
			t.Errorf("got body %q with 204, want none", pr.Body)
		}
		return
	}
	if !json.Valid([]byte(pr.Body)) {
		t.Errorf("got body %q, want JSON", pr.Body)
	}
}
