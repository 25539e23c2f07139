package iamcheck

import (
	"slices"

	"keygate/internal/samtemplate"
)

// The one condition Allowed evaluates.
const (
	leadingKeysOperator = "ForAllValues:StringLike"
	leadingKeysKey      = "dynamodb:LeadingKeys"
)

// Allowed reports whether an Allow statement grants req: its action, its
// resource and, where the statement has conditions, a LeadingKey matching
// one of its ForAllValues:StringLike dynamodb:LeadingKeys patterns. A
// statement with any other condition does not count, so a check fails rather
// than passes on what it cannot evaluate. Deny statements are not
// considered: keygate's roles have none.
func Allowed(statements []samtemplate.Statement, req Request) bool {
	for _, s := range statements {
		if s.Effect != "Allow" || !slices.Contains(s.Actions, req.Action) || !slices.Contains(s.Resources, req.Resource) {
			continue
		}
		if conditionsHold(s.Conditions, req.LeadingKey) {
			return true
		}
	}
	return false
}

func conditionsHold(conds map[string]map[string][]string, leadingKey string) bool {
	for op, keys := range conds {
		for key, patterns := range keys {
			if op != leadingKeysOperator || key != leadingKeysKey || leadingKey == "" {
				return false
			}
			if !slices.ContainsFunc(patterns, func(p string) bool { return StringLike(p, leadingKey) }) {
				return false
			}
		}
	}
	return true
}

// StringLike is IAM's StringLike operator: case-sensitive, "*" matches any
// run of characters (none included) and "?" exactly one (bytes: keygate's
// keys are ASCII).
func StringLike(pattern, s string) bool {
	if pattern == "" {
		return s == ""
	}
	switch pattern[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if StringLike(pattern[1:], s[i:]) {
				return true
			}
		}
		return false
	case '?':
		return s != "" && StringLike(pattern[1:], s[1:])
	default:
		return s != "" && s[0] == pattern[0] && StringLike(pattern[1:], s[1:])
	}
}
