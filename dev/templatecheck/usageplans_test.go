package templatecheck_test

import (
	"strings"
	"testing"

	"keygate/dev/samtemplate"
)

// TestUsagePlans: the API takes API keys from the authorizer, every keyed
// route requires one and the public routes none, and the three fixed plans
// are open (no limits), throttled (rate 0, burst 0) and exhausted (quota 0),
// each with one key whose value the authorizer is given.
func TestUsagePlans(t *testing.T) {
	tpl := loadTemplate(t, map[string]string{"AWS::StackName": "prod-keys", "AWS::AccountId": "111122223333"})
	if tpl.APIKeySource != "AUTHORIZER" {
		t.Errorf("ApiKeySourceType: got %q, want AUTHORIZER", tpl.APIKeySource)
	}
	for _, r := range tpl.Routes {
		if r.APIKeyRequired != r.Authorized {
			t.Errorf("%s %s: ApiKeyRequired %v, authorized %v: want keyed routes to require the authorizer's key, public ones none",
				r.Method, r.Path, r.APIKeyRequired, r.Authorized)
		}
	}
	plans := map[string]samtemplate.UsagePlan{}
	for _, p := range tpl.UsagePlans {
		plans[p.ID] = p
	}
	env := tpl.Functions["AuthorizerFunction"].Env
	tests := []struct {
		plan, envVar, wantKey string
		rate                  *float64
		burst, quota          *int
	}{
		{"OpenUsagePlan", "USAGE_KEY_OPEN", "keygate-open-prod-keys-111122223333", nil, nil, nil},
		{"ThrottledUsagePlan", "USAGE_KEY_THROTTLED", "keygate-throttled-prod-keys-111122223333", ptr(0.0), ptr(0), nil},
		{"ExhaustedUsagePlan", "USAGE_KEY_EXHAUSTED", "keygate-exhausted-prod-keys-111122223333", nil, nil, ptr(0)},
	}
	if len(plans) != len(tests) {
		t.Errorf("usage plans: got %d, want %d", len(plans), len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.plan, func(t *testing.T) {
			p, ok := plans[tt.plan]
			if !ok {
				t.Fatalf("no usage plan %s", tt.plan)
			}
			if len(p.KeyValues) != 1 || p.KeyValues[0] != tt.wantKey || env[tt.envVar] != tt.wantKey {
				t.Errorf("keys: got %v, authorizer's %s %q, want both %q", p.KeyValues, tt.envVar, env[tt.envVar], tt.wantKey)
			}
			if len(tt.wantKey) < 20 {
				t.Errorf("key value %q: API Gateway wants at least 20 characters", tt.wantKey)
			}
			if !eqPtr(p.RateLimit, tt.rate) || !eqPtr(p.BurstLimit, tt.burst) || !eqPtr(p.QuotaLimit, tt.quota) {
				t.Errorf("limits: got rate %v burst %v quota %v", deref(p.RateLimit), deref(p.BurstLimit), deref(p.QuotaLimit))
			}
		})
	}
	raw := readFile(t, "../../template.yaml")
	for _, want := range []string{"Stage: !Ref KeygateApi.Stage", "ApiKeyRequired: true", "AddApiKeyRequiredToCorsPreflight: false"} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("template.yaml: no %q", want)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func eqPtr[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}
