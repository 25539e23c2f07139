package templatecheck_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestOperatorsAlarmsAndDashboard: the alarms docs/operations.md explains
// are in the template, each on its metric and notifying AlarmTopicArn, and
// the dashboard is valid JSON once CloudFormation substitutes it, naming
// every alarm and the embedded metrics the functions emit.
func TestOperatorsAlarmsAndDashboard(t *testing.T) {
	root := repoRoot(t)
	cf := samTransformFile(t, filepath.Join(root, "template.yaml"), 1_800_000_000, "AlarmTopicArn=arn:aws:sns:us-east-1:123456789012:ops")
	res := cf["Resources"].(map[string]any)
	wantAlarms := map[string]string{
		"AuthorizerErrorsAlarm":   "decisions",
		"Api5xxAlarm":             "5XXError",
		"DynamoDBThrottlingAlarm": "",
		"WebhookDeadLettersAlarm": "ApproximateNumberOfMessagesVisible",
		"CacheFlushFailureAlarm":  "CacheFlushFailures",
		"UsageAggregatorLagAlarm": "IteratorAge",
	}
	doc := string(readFile(t, filepath.Join(root, "docs", "operations.md")))
	for id, metric := range wantAlarms {
		r, ok := res[id].(map[string]any)
		if !ok || r["Type"] != "AWS::CloudWatch::Alarm" {
			t.Errorf("%s: no alarm", id)
			continue
		}
		props := r["Properties"].(map[string]any)
		if metric != "" && props["MetricName"] != metric {
			t.Errorf("%s: metric %v, want %s", id, props["MetricName"], metric)
		}
		if b, _ := json.Marshal(props["AlarmActions"]); !strings.Contains(string(b), "AlarmTopicArn") {
			t.Errorf("%s: AlarmActions %s, want AlarmTopicArn", id, b)
		}
		if !strings.Contains(doc, "`"+id+"`") {
			t.Errorf("docs/operations.md does not explain %s", id)
		}
	}
	dash := res["OperationsDashboard"].(map[string]any)["Properties"].(map[string]any)["DashboardBody"].(map[string]any)["Fn::Sub"].([]any)
	body := regexp.MustCompile(`\$\{[^}]+\}`).ReplaceAllString(dash[0].(string), "x")
	var parsed struct {
		Widgets []map[string]any `json:"widgets"`
	}
	if err := json.Unmarshal([]byte(body), &parsed); err != nil || len(parsed.Widgets) < 6 {
		t.Fatalf("dashboard body: %v (%d widgets), want valid JSON", err, len(parsed.Widgets))
	}
	for id := range wantAlarms {
		if !strings.Contains(dash[0].(string), "${"+id+".Arn}") {
			t.Errorf("the dashboard's alarm widget lacks %s", id)
		}
	}
	for _, m := range []string{`"decisions","decision"`, `"durationMs","decision"`, `"deliveries","outcome"`} {
		if !strings.Contains(dash[0].(string), m) {
			t.Errorf("the dashboard does not chart %s", m)
		}
	}
}

// TestTracingParameter: EnableTracing turns on Lambda active tracing for
// every function and tracing on the stage, and the template stays
// cfn-lint clean with it.
func TestTracingParameter(t *testing.T) {
	root := repoRoot(t)
	cf := samTransformFile(t, filepath.Join(root, "template.yaml"), 1_800_000_000, "EnableTracing=true")
	for id, r := range cf["Resources"].(map[string]any) {
		r := r.(map[string]any)
		switch r["Type"] {
		case "AWS::Lambda::Function":
			b, _ := json.Marshal(r["Properties"].(map[string]any)["TracingConfig"])
			if !strings.Contains(string(b), `["TracingOn","Active","PassThrough"]`) {
				t.Errorf("%s: TracingConfig %s, want Active under TracingOn", id, b)
			}
		case "AWS::ApiGateway::Stage":
			b, _ := json.Marshal(r["Properties"].(map[string]any)["TracingEnabled"])
			if !strings.Contains(string(b), "TracingOn") {
				t.Errorf("%s: TracingEnabled %s, want it under TracingOn", id, b)
			}
		}
	}
}

// TestCacheTTLIsOneParameter: the API's authorizer cache and the
// authorizer's own idea of it (AUTHORIZER_CACHE_TTL, which decides its
// cache-off reads and the MaxAllowLatency bound) come from the one
// parameter, so they cannot disagree.
func TestCacheTTLIsOneParameter(t *testing.T) {
	for _, ttl := range []string{"0", "300"} {
		tpl := loadTemplate(t, map[string]string{"AuthorizerCacheTtl": ttl})
		if got := tpl.Functions["AuthorizerFunction"].Env["AUTHORIZER_CACHE_TTL"]; got != ttl {
			t.Errorf("AuthorizerCacheTtl=%s: AUTHORIZER_CACHE_TTL %q", ttl, got)
		}
		if got := tpl.Authorizer.TTLSeconds; fmt.Sprint(got) != ttl {
			t.Errorf("AuthorizerCacheTtl=%s: the API caches %d s", ttl, got)
		}
		for name, a := range tpl.Authorizers {
			if fmt.Sprint(a.TTLSeconds) != ttl {
				t.Errorf("AuthorizerCacheTtl=%s: %s caches %d s", ttl, name, a.TTLSeconds)
			}
		}
	}
}
