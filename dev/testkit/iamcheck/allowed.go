package iamcheck

import (
	"slices"
	"strings"
	"testing"

	"keygate/dev/gateway"
	"keygate/dev/samtemplate"
)

// The one condition Allowed evaluates.
const (
	leadingKeysOperator      = "ForAllValues:StringLike"
	leadingKeysExactOperator = "ForAllValues:StringEquals"
	leadingKeysKey           = "dynamodb:LeadingKeys"
)

// Allowed reports whether an Allow statement grants req: its action, its
// resource and, where the statement has conditions, a LeadingKey matching
// one of its ForAllValues:StringLike dynamodb:LeadingKeys patterns (IAM's
// "*" and "?" wildcards, as the local gateway matches them). A
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
			if key != leadingKeysKey || leadingKey == "" {
				return false
			}
			switch op {
			case leadingKeysOperator: // ForAllValues:StringLike
				if !slices.ContainsFunc(patterns, func(p string) bool { return gateway.Wildcard(p, leadingKey) }) {
					return false
				}
			case leadingKeysExactOperator:
				if !slices.Contains(patterns, leadingKey) {
					return false
				}
			default:
				return false
			}
		}
	}
	return true
}

// AssertAllowed fails the test for each of reqs that statements, the role of
// function logicalID, do not grant.
func AssertAllowed(tb testing.TB, statements []samtemplate.Statement, logicalID string, reqs []Request) {
	tb.Helper()
	for _, r := range reqs {
		if !Allowed(statements, r) {
			tb.Errorf("%s on %s (partition %q) is not allowed by %s's policy", r.Action, r.Resource, r.LeadingKey, logicalID)
		}
	}
}

// AssertAllUsed fails the test for every grant of statements, an action on
// a resource, that none of reqs used: a grant no test path exercises is more
// privilege than the code needs. justified names the statements (by Sid)
// kept for a reason the template's comment states, with that reason.
func AssertAllUsed(tb testing.TB, statements []samtemplate.Statement, logicalID string, reqs []Request, justified map[string]string) {
	tb.Helper()
	for _, s := range statements {
		if s.Effect != "Allow" || justified[s.Sid] != "" {
			continue
		}
		for _, action := range s.Actions {
			if !strings.HasPrefix(action, "dynamodb:") && !strings.HasPrefix(action, "sqs:") {
				continue // other services are checked by their own tests
			}
			for _, resource := range s.Resources {
				used := slices.ContainsFunc(reqs, func(r Request) bool {
					return r.Action == action && r.Resource == resource && Allowed([]samtemplate.Statement{s}, r)
				})
				if !used {
					tb.Errorf("%s's statement %q grants %s on %s, which no test path uses: narrow it, or justify it", logicalID, s.Sid, action, resource)
				}
			}
		}
	}
}
