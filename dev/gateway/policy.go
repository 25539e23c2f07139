package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Decision is the outcome of evaluating an IAM policy for one request.
type Decision int

// The IAM decisions. Only DecisionAllow lets a request through.
const (
	// DecisionImplicitDeny: no statement allows the request.
	DecisionImplicitDeny Decision = iota
	// DecisionAllow: an Allow statement matches and no Deny does.
	DecisionAllow
	// DecisionExplicitDeny: a Deny statement matches (it always wins).
	DecisionExplicitDeny
)

// String names the decision for logs.
func (d Decision) String() string {
	switch d {
	case DecisionAllow:
		return "allow"
	case DecisionExplicitDeny:
		return "explicit_deny"
	default:
		return "implicit_deny"
	}
}

// Statement is one IAM policy statement, with Action and Resource
// normalized to lists.
type Statement struct {
	Effect    string
	Actions   []string
	Resources []string
}

// Policy is an IAM policy document as returned by a Lambda authorizer.
type Policy struct {
	Version    string
	Statements []Statement
}

// stringList decodes an IAM element that may be a string or a list of
// strings.
type stringList []string

func (s *stringList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var one string
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*s = stringList{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New("must be a string or a list of strings")
	}
	*s = many
	return nil
}

// rawStatement is a statement as it appears on the wire.
type rawStatement struct {
	Effect   string     `json:"Effect"`
	Action   stringList `json:"Action"`
	Resource stringList `json:"Resource"`
	// Elements the emulator does not evaluate: a statement with one is
	// refused rather than evaluated without it.
	Condition    json.RawMessage `json:"Condition"`
	NotAction    json.RawMessage `json:"NotAction"`
	NotResource  json.RawMessage `json:"NotResource"`
	NotPrincipal json.RawMessage `json:"NotPrincipal"`
}

// ParsePolicy decodes and validates an IAM policy document. Statement may be
// one object or a list; Action and Resource may be strings or lists. A
// document API Gateway would reject (no statements, an unknown Effect, a
// statement without Action or Resource) is an error.
func ParsePolicy(raw []byte) (Policy, error) {
	var doc struct {
		Version   string          `json:"Version"`
		Statement json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return Policy{}, fmt.Errorf("policy document: %w", err)
	}
	switch doc.Version {
	case "", "2012-10-17", "2008-10-17":
	default:
		return Policy{}, fmt.Errorf("policy document: unknown Version %q", doc.Version)
	}
	var raws []rawStatement
	st := bytes.TrimSpace(doc.Statement)
	switch {
	case len(st) == 0 || bytes.Equal(st, []byte("null")):
		return Policy{}, errors.New("policy document: no Statement")
	case st[0] == '{':
		var one rawStatement
		if err := json.Unmarshal(st, &one); err != nil {
			return Policy{}, fmt.Errorf("policy statement: %w", err)
		}
		raws = []rawStatement{one}
	default:
		if err := json.Unmarshal(st, &raws); err != nil {
			return Policy{}, fmt.Errorf("policy statements: %w", err)
		}
	}
	if len(raws) == 0 {
		return Policy{}, errors.New("policy document: empty Statement")
	}
	p := Policy{Version: doc.Version, Statements: make([]Statement, 0, len(raws))}
	for i, r := range raws {
		if r.Effect != "Allow" && r.Effect != "Deny" {
			return Policy{}, fmt.Errorf("policy statement %d: Effect %q, want Allow or Deny", i, r.Effect)
		}
		if r.Condition != nil || r.NotAction != nil || r.NotResource != nil || r.NotPrincipal != nil {
			return Policy{}, fmt.Errorf("policy statement %d: Condition, NotAction, NotResource and NotPrincipal are not emulated by the local gateway", i)
		}
		if len(r.Action) == 0 || len(r.Resource) == 0 {
			return Policy{}, fmt.Errorf("policy statement %d: needs Action and Resource", i)
		}
		p.Statements = append(p.Statements, Statement{Effect: r.Effect, Actions: r.Action, Resources: r.Resource})
	}
	return p, nil
}

// Evaluate decides whether the policy lets action on resource through, as
// IAM does: an explicit Deny wins, otherwise an Allow must match.
func (p Policy) Evaluate(action, resource string) Decision {
	allowed := false
	for _, s := range p.Statements {
		if !s.matches(action, resource) {
			continue
		}
		if s.Effect == "Deny" {
			return DecisionExplicitDeny
		}
		allowed = true
	}
	if allowed {
		return DecisionAllow
	}
	return DecisionImplicitDeny
}

// matches reports whether the statement names action and resource.
func (s Statement) matches(action, resource string) bool {
	return anyMatch(s.Actions, action, matchAction) && anyMatch(s.Resources, resource, MatchARN)
}

func anyMatch(patterns []string, value string, match func(pattern, value string) bool) bool {
	for _, p := range patterns {
		if match(p, value) {
			return true
		}
	}
	return false
}

// matchAction matches an IAM action pattern ("execute-api:Invoke",
// "execute-api:*", "*") case-insensitively, as IAM does.
func matchAction(pattern, action string) bool {
	return Wildcard(strings.ToLower(pattern), strings.ToLower(action))
}

// MatchARN matches an IAM resource pattern against an ARN. "*" matches
// everything; otherwise the six colon-separated ARN fields are matched one by
// one (the last one, the resource, may itself contain colons), each with
// IAM's `*` (any run of characters, "/" included) and `?` (one character).
// A pattern of fewer fields whose last one ends in `*` lets that `*` run on
// across the colons (arn:aws:execute-api:* names every execute-api ARN), as
// IAM matches it. Matching is case-sensitive.
func MatchARN(pattern, arn string) bool {
	if pattern == "*" {
		return true
	}
	pp := strings.SplitN(pattern, ":", 6)
	ap := strings.SplitN(arn, ":", 6)
	if len(ap) != 6 {
		return false // not an ARN
	}
	if len(pp) < 6 && strings.HasSuffix(pattern, "*") {
		last := len(pp) - 1
		for i := range last {
			if !Wildcard(pp[i], ap[i]) {
				return false
			}
		}
		return Wildcard(pp[last], strings.Join(ap[last:], ":"))
	}
	if len(pp) != 6 {
		return false
	}
	for i := range pp {
		if !Wildcard(pp[i], ap[i]) {
			return false
		}
	}
	return true
}

// Wildcard matches s against pattern, where `*` matches any run of
// characters (including none) and `?` exactly one character. It runs in
// O(len(pattern)·len(s)) at worst, without recursion.
func Wildcard(pattern, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
