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
	// ScopeDown, when set, is the requests the rule counts.
	ScopeDown *WAFStatement
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
		st, err := r.statement(scope)
		if err != nil {
			return rr, fmt.Errorf("rule %s: ScopeDownStatement: %w", rr.Name, err)
		}
		rr.ScopeDown = &st
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

// WAFStatement is an AWS WAF match statement the local gateway evaluates: And,
// Or and Not of ByteMatch and SizeConstraint statements on the method, the
// URI path or one header, without text transformations.
type WAFStatement struct {
	Kind       string         // "And", "Or", "Not", "ByteMatch", "SizeConstraint"
	Statements []WAFStatement // And, Or: all of them; Not: one
	// Field is "method", "uripath" or "header:<lower-case name>".
	Field string
	// Positional is ByteMatch's EXACTLY, STARTS_WITH, ENDS_WITH or
	// CONTAINS, with Search; Comparison is SizeConstraint's EQ, NE, LE,
	// LT, GE or GT, with Size.
	Positional, Search string
	Comparison         string
	Size               int
}

// statement reads a match statement the local gateway can evaluate, or
// says which part it cannot.
func (r *resolver) statement(n *yaml.Node) (WAFStatement, error) {
	keys, vals := entries(n)
	if len(keys) != 1 {
		return WAFStatement{}, fmt.Errorf("want one statement, got %v", keys)
	}
	body := vals[0]
	switch keys[0] {
	case "AndStatement", "OrStatement":
		st := WAFStatement{Kind: strings.TrimSuffix(keys[0], "Statement")}
		for _, c := range items(get(body, "Statements")) {
			child, err := r.statement(c)
			if err != nil {
				return WAFStatement{}, err
			}
			st.Statements = append(st.Statements, child)
		}
		return st, nil
	case "NotStatement":
		child, err := r.statement(get(body, "Statement"))
		return WAFStatement{Kind: "Not", Statements: []WAFStatement{child}}, err
	case "ByteMatchStatement", "SizeConstraintStatement":
		st := WAFStatement{Kind: strings.TrimSuffix(keys[0], "Statement")}
		field := get(body, "FieldToMatch")
		switch {
		case get(field, "Method") != nil:
			st.Field = "method"
		case get(field, "UriPath") != nil:
			st.Field = "uripath"
		case get(field, "SingleHeader") != nil:
			st.Field = "header:" + strings.ToLower(scalarOf(get(get(field, "SingleHeader"), "Name")))
		default:
			return WAFStatement{}, fmt.Errorf("%s: only Method, UriPath and SingleHeader are emulated locally", keys[0])
		}
		for _, tt := range items(get(body, "TextTransformations")) {
			if scalarOf(get(tt, "Type")) != "NONE" {
				return WAFStatement{}, fmt.Errorf("%s: only the NONE text transformation is emulated locally", keys[0])
			}
		}
		if st.Kind == "ByteMatch" {
			st.Positional = scalarOf(get(body, "PositionalConstraint"))
			search, err := r.str(get(body, "SearchString"))
			if err != nil {
				return WAFStatement{}, err
			}
			st.Search = search
			switch st.Positional {
			case "EXACTLY", "STARTS_WITH", "ENDS_WITH", "CONTAINS":
			default:
				return WAFStatement{}, fmt.Errorf("ByteMatchStatement: PositionalConstraint %q is not emulated locally", st.Positional)
			}
			return st, nil
		}
		st.Comparison = scalarOf(get(body, "ComparisonOperator"))
		if err := r.intProp(body, "Size", &st.Size); err != nil {
			return WAFStatement{}, err
		}
		return st, nil
	}
	return WAFStatement{}, fmt.Errorf("%s is not emulated locally", keys[0])
}
