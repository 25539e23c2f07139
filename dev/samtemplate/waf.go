package samtemplate

import (
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// RateRule is an AWS WAF rate-based rule of a web ACL associated with the
// API's stage: what the local gateway emulates.
type RateRule struct {
	Name string
	// Limit is the most requests per source address within Window.
	Limit  int
	Window int // seconds (EvaluationWindowSec, default 300)
	// WithoutHeader, when set, scopes the rule to requests without that
	// header (a NotStatement of a SizeConstraintStatement on it, GT 0).
	WithoutHeader string
	// Status, Body, ContentType and Headers are the Block action's custom
	// response.
	Status      int
	Body        string
	ContentType string
	Headers     map[string]string
}

// rateRules reads the rate-based rules of the web ACLs the template
// associates (with their conditions on). A statement the local gateway
// cannot emulate is an error, so nothing is silently not enforced.
func rateRules(r *resolver) ([]RateRule, error) {
	var out []RateRule
	for _, id := range sortedKeys(r.resources) {
		res := r.resources[id]
		if typeOf(res) != "AWS::WAFv2::WebACLAssociation" {
			continue
		}
		if on, err := r.resourceOn(res); err != nil || !on {
			if err != nil {
				return nil, fmt.Errorf("%s: %w", id, err)
			}
			continue
		}
		name, arg, ok := intrinsic(get(get(res, "Properties"), "WebACLArn"))
		aclID, isArn := strings.CutSuffix(strings.Join(scalars(arg), "."), ".Arn")
		acl := r.resources[aclID]
		if !ok || name != "Fn::GetAtt" || !isArn || typeOf(acl) != "AWS::WAFv2::WebACL" {
			return nil, fmt.Errorf("%s: WebACLArn must be !GetAtt <WebACL>.Arn of the template", id)
		}
		props := get(acl, "Properties")
		bodies := map[string][2]string{}
		keys, vals := entries(get(props, "CustomResponseBodies"))
		for i, k := range keys {
			body, err := r.str(get(vals[i], "Content"))
			if err != nil {
				return nil, fmt.Errorf("%s.CustomResponseBodies.%s: %w", aclID, k, err)
			}
			ct := ""
			if n := get(vals[i], "ContentType"); n != nil {
				ct = n.Value
			}
			bodies[k] = [2]string{body, ct}
		}
		for _, rule := range items(get(props, "Rules")) {
			rr, err := r.rateRule(rule, bodies)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", aclID, err)
			}
			out = append(out, rr)
		}
	}
	return out, nil
}

// resourceOn evaluates a resource's Condition (true without one).
func (r *resolver) resourceOn(res *yaml.Node) (bool, error) {
	c := get(res, "Condition")
	if c == nil {
		return true, nil
	}
	return r.condition(c.Value)
}

func (r *resolver) rateRule(rule *yaml.Node, bodies map[string][2]string) (RateRule, error) {
	rr := RateRule{Name: scalarOf(get(rule, "Name")), Window: 300, Headers: map[string]string{}}
	stmt := get(get(rule, "Statement"), "RateBasedStatement")
	if stmt == nil {
		return rr, fmt.Errorf("rule %s: only RateBasedStatement rules are emulated locally", rr.Name)
	}
	limit, err := r.str(get(stmt, "Limit"))
	if err != nil {
		return rr, err
	}
	if rr.Limit, err = strconv.Atoi(limit); err != nil {
		return rr, fmt.Errorf("rule %s: Limit %q: %w", rr.Name, limit, err)
	}
	if err := r.intProp(stmt, "EvaluationWindowSec", &rr.Window); err != nil {
		return rr, err
	}
	if scalarOf(get(stmt, "AggregateKeyType")) != "IP" {
		return rr, fmt.Errorf("rule %s: only AggregateKeyType IP is emulated locally", rr.Name)
	}
	if scope := get(stmt, "ScopeDownStatement"); scope != nil {
		size := get(get(get(scope, "NotStatement"), "Statement"), "SizeConstraintStatement")
		header := get(get(get(size, "FieldToMatch"), "SingleHeader"), "Name")
		if size == nil || header == nil || scalarOf(get(size, "ComparisonOperator")) != "GT" || scalarOf(get(size, "Size")) != "0" {
			return rr, fmt.Errorf("rule %s: the only scope-down emulated locally is \"without header X\" (NotStatement of a SizeConstraintStatement on SingleHeader X, GT 0)", rr.Name)
		}
		rr.WithoutHeader = header.Value
	}
	custom := get(get(get(rule, "Action"), "Block"), "CustomResponse")
	if custom == nil {
		return rr, fmt.Errorf("rule %s: only a Block action with a CustomResponse is emulated locally", rr.Name)
	}
	if err := r.intProp(custom, "ResponseCode", &rr.Status); err != nil {
		return rr, err
	}
	if key := get(custom, "CustomResponseBodyKey"); key != nil {
		b, ok := bodies[key.Value]
		if !ok {
			return rr, fmt.Errorf("rule %s: no custom response body %s", rr.Name, key.Value)
		}
		rr.Body, rr.ContentType = b[0], map[string]string{"APPLICATION_JSON": "application/json", "TEXT_PLAIN": "text/plain", "TEXT_HTML": "text/html"}[b[1]]
	}
	for _, h := range items(get(custom, "ResponseHeaders")) {
		v, err := r.str(get(h, "Value"))
		if err != nil {
			return rr, err
		}
		rr.Headers[scalarOf(get(h, "Name"))] = v
	}
	return rr, nil
}

// items is a sequence's items (none for nil).
func items(n *yaml.Node) []*yaml.Node {
	if n == nil {
		return nil
	}
	return n.Content
}

// scalarOf is a scalar's text ("" for nil).
func scalarOf(n *yaml.Node) string {
	if n == nil {
		return ""
	}
	return n.Value
}
