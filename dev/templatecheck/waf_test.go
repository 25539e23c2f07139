package templatecheck_test

import (
	"path/filepath"
	"testing"
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
	if r.Limit != 100 || r.Window != 300 || r.WithoutHeader != "authorization" || r.Status != 429 || r.ContentType != "application/json" {
		t.Errorf("rule %+v, want 100 per 300 s without authorization, 429 JSON", r)
	}
	if want := tpl.GatewayResponses["THROTTLED"].Body; r.Body != want {
		t.Errorf("the rule's body %q, want THROTTLED's %q", r.Body, want)
	}
	if len(loadTemplate(t, nil).RateRules) != 0 {
		t.Error("PerIpRateLimit=0: the local gateway reads a rate rule")
	}
}
