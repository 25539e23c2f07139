package templatecheck_test

import (
	"path/filepath"
	"testing"

	"keygate/dev/samtemplate"
)

// TestPerIPWebACL: with PerIpRateLimit the template associates a web ACL
// with the stage whose one rule blocks an address past the limit within
// 5 minutes, only for requests without Authorization, with 429 and the
// THROTTLED gateway response's envelope — as SAM deploys it and as the
// local gateway reads it; without it, neither resource exists.
func TestPerIPWebACL(t *testing.T) {
	path := filepath.Join(repoRoot(t), "template.yaml")
	// CloudFormation creates both only under PerIpLimitOn (PerIpRateLimit
	// above 0).
	count := 0
	for id, r := range samTransformFile(t, path, 1_800_000_000, "PerIpRateLimit=100")["Resources"].(map[string]any) {
		r := r.(map[string]any)
		if typ := r["Type"]; typ == "AWS::WAFv2::WebACL" || typ == "AWS::WAFv2::WebACLAssociation" {
			count++
			if r["Condition"] != "PerIpLimitOn" {
				t.Errorf("%s: condition %v, want PerIpLimitOn", id, r["Condition"])
			}
		}
	}
	if count != 2 {
		t.Fatalf("got %d WAF resources, want a web ACL and its association", count)
	}
	tpl := loadTemplate(t, map[string]string{"PerIpRateLimit": "100"})
	if len(tpl.RateRules) != 1 {
		t.Fatalf("the local gateway reads %d rate rules, want 1", len(tpl.RateRules))
	}
	r := tpl.RateRules[0]
	if r.Limit != 100 || r.Window != 300 || r.ScopeDown == nil || r.Status != 429 || r.ContentType != "application/json" {
		t.Errorf("rule %+v, want 100 per 300 s with a scope-down, 429 JSON", r)
	}
	if want := tpl.GatewayResponses["THROTTLED"].Body; r.Body != want {
		t.Errorf("the rule's body %q, want THROTTLED's %q", r.Body, want)
	}
	if len(loadTemplate(t, nil).RateRules) != 0 {
		t.Error("PerIpRateLimit=0: the local gateway reads a rate rule")
	}
}

// TestPerIPRateLimitRange: the parameter takes 0 (off) or AWS WAF's range,
// from 10 — a value WAF would refuse at deploy is refused by the template.
func TestPerIPRateLimitRange(t *testing.T) {
	for _, tt := range []struct {
		value string
		ok    bool
	}{{"0", true}, {"10", true}, {"1999999999", true}, {"9", false}, {"1", false}, {"-1", false}, {"2000000000", false}} {
		t.Run(tt.value, func(t *testing.T) {
			_, err := samtemplate.Load(filepath.Join(repoRoot(t), "template.yaml"), map[string]string{"PerIpRateLimit": tt.value})
			if (err == nil) != tt.ok {
				t.Errorf("got %v, want ok %v", err, tt.ok)
			}
		})
	}
}
