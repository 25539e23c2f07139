package gateway

import "testing"

const arnBase = "arn:aws:execute-api:us-east-1:123456789012:api1/Prod/"

func TestWildcard(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"", "", true},
		{"*", "", true},
		{"*", "anything/at/all", true},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"a*c", "abbbc", true},
		{"a*c", "abbbd", false},
		{"GET/open/workspace/w1/*", "GET/open/workspace/w1/x/y", true},
		{"GET/open/workspace/w1/*", "GET/open/workspace/w1", false},
		{"GET/open/workspace/w1", "GET/open/workspace/w10", false},
		{"*/*/*", "a/b/c", true},
		{"*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false},
		{"Get", "GET", false},
	}
	for _, tt := range tests {
		t.Run(tt.pattern+"~"+tt.s, func(t *testing.T) {
			if got := Wildcard(tt.pattern, tt.s); got != tt.want {
				t.Errorf("Wildcard(%q, %q): got %v, want %v", tt.pattern, tt.s, got, tt.want)
			}
		})
	}
}

func TestMatchARN(t *testing.T) {
	arn := arnBase + "GET/open/workspace/w1"
	tests := []struct {
		name, pattern string
		want          bool
	}{
		{"star", "*", true},
		{"exact", arn, true},
		{"method wildcard", arnBase + "*/open/workspace/w1", true},
		{"region and account wildcards", "arn:aws:execute-api:*:*:api1/Prod/GET/open/workspace/w1", true},
		{"question mark", arnBase + "GET/open/workspace/w?", true},
		{"other workspace", arnBase + "GET/open/workspace/w2", false},
		{"other method", arnBase + "POST/open/workspace/w1", false},
		{"other stage", "arn:aws:execute-api:us-east-1:123456789012:api1/Dev/GET/open/workspace/w1", false},
		{"star does not cross ARN fields", "arn:aws:execute-api:us-east-1:*/Prod/GET/open/workspace/w1", false},
		{"case sensitive", arnBase + "get/open/workspace/w1", false},
		{"sub-resource wildcard", arnBase + "GET/open/workspace/w1/*", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MatchARN(tt.pattern, arn); got != tt.want {
				t.Errorf("MatchARN(%q): got %v, want %v", tt.pattern, got, tt.want)
			}
		})
	}
}

func TestParsePolicyAndEvaluate(t *testing.T) {
	arn := arnBase + "POST/open/workspace/w1/items"
	tests := []struct {
		name string
		doc  string
		want Decision
	}{
		{"allow list", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["execute-api:Invoke"],"Resource":["` + arnBase + `*/open/workspace/w1/*"]}]}`, DecisionAllow},
		{"allow strings", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"` + arnBase + `*"}}`, DecisionAllow},
		{"action star", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, DecisionAllow},
		{"action service wildcard", `{"Statement":[{"Effect":"Allow","Action":"execute-api:*","Resource":"*"}]}`, DecisionAllow},
		{"action case-insensitive", `{"Statement":[{"Effect":"Allow","Action":"Execute-API:invoke","Resource":"*"}]}`, DecisionAllow},
		{"other action", `{"Statement":[{"Effect":"Allow","Action":"execute-api:ManageConnections","Resource":"*"}]}`, DecisionImplicitDeny},
		{"allow elsewhere only", `{"Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"` + arnBase + `GET/open/workspace/w1/*"}]}`, DecisionImplicitDeny},
		{"deny wins over allow", `{"Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*"},{"Effect":"Deny","Action":"execute-api:Invoke","Resource":"` + arnBase + `POST/*"}]}`, DecisionExplicitDeny},
		{"deny first still wins", `{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"},{"Effect":"Allow","Action":"*","Resource":"*"}]}`, DecisionExplicitDeny},
		{"deny that does not match", `{"Statement":[{"Effect":"Deny","Action":"*","Resource":"` + arnBase + `GET/*"},{"Effect":"Allow","Action":"*","Resource":"*"}]}`, DecisionAllow},
		{"resource list second matches", `{"Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":["` + arnBase + `GET/x","` + arnBase + `POST/open/workspace/w?/items"]}]}`, DecisionAllow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePolicy([]byte(tt.doc))
			if err != nil {
				t.Fatalf("ParsePolicy: %v", err)
			}
			if got := p.Evaluate("execute-api:Invoke", arn); got != tt.want {
				t.Errorf("Evaluate: got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParsePolicyRejects(t *testing.T) {
	tests := []struct{ name, doc string }{
		{"not json", `{`},
		{"no statement", `{"Version":"2012-10-17"}`},
		{"empty statement", `{"Statement":[]}`},
		{"bad effect", `{"Statement":[{"Effect":"allow","Action":"*","Resource":"*"}]}`},
		{"no action", `{"Statement":[{"Effect":"Allow","Resource":"*"}]}`},
		{"no resource", `{"Statement":[{"Effect":"Allow","Action":"*"}]}`},
		{"resource number", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":1}]}`},
		{"bad version", `{"Version":"2020-01-01","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ParsePolicy([]byte(tt.doc)); err == nil {
				t.Errorf("ParsePolicy(%s): got nil error, want one", tt.doc)
			}
		})
	}
}

func BenchmarkEvaluate(b *testing.B) {
	p, err := ParsePolicy([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":["` +
		arnBase + `*/open/apikeys","` + arnBase + `*/open/apikeys/*","` + arnBase + `GET/open/auth/whoami","` +
		arnBase + `*/open/workspace/w1","` + arnBase + `*/open/workspace/w1/*"]}]}`))
	if err != nil {
		b.Fatal(err)
	}
	arn := arnBase + "GET/open/workspace/w1/things/42"
	for b.Loop() {
		if p.Evaluate("execute-api:Invoke", arn) != DecisionAllow {
			b.Fatal("not allowed")
		}
	}
}

// TestMatchARNAcrossColons: a trailing * in a shorter pattern runs on across
// the ARN's colons, as IAM matches it.
func TestMatchARNAcrossColons(t *testing.T) {
	arn := "arn:aws:execute-api:us-east-1:123456789012:abc/v1/GET/open/auth/whoami"
	tests := []struct {
		pattern string
		want    bool
	}{
		{"arn:aws:execute-api:*", true},
		{"arn:aws:execute-api:us-east-1:*", true},
		{"arn:aws:execute-api:eu-west-1:*", false},
		{"arn:aws:s3:*", false},
		{"arn:aws:execute-api:us-east-1", false}, // no wildcard: a partial ARN matches nothing
		{"arn:aws:execute-api:us-east-1:123456789012:abc/*", true},
	}
	for _, tt := range tests {
		if got := MatchARN(tt.pattern, arn); got != tt.want {
			t.Errorf("MatchARN(%q): got %v, want %v", tt.pattern, got, tt.want)
		}
	}
}

// TestUnemulatedElementsAreRefused: a statement with Condition, NotAction,
// NotResource or NotPrincipal is an error, never evaluated without it.
func TestUnemulatedElementsAreRefused(t *testing.T) {
	for _, el := range []string{`"Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`, `"NotAction":"x"`, `"NotResource":"*"`, `"NotPrincipal":{"AWS":"*"}`} {
		doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*",` + el + `}]}`
		if _, err := ParsePolicy([]byte(doc)); err == nil {
			t.Errorf("%s: got no error", el)
		}
	}
}
