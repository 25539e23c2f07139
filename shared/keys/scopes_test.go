package keys_test

import (
	"slices"
	"strings"
	"testing"

	"keygate/shared/apperr"
	"keygate/shared/keys"
)

// TestParseScopes: known scopes come back in canonical order; an unknown
// one or a duplicate is a 400 that names it, and an unknown one's message
// lists all four scopes.
func TestParseScopes(t *testing.T) {
	tests := []struct {
		name    string
		in      []string
		want    []keys.Scope
		wantMsg string // "" = accepted
	}{
		{"all four, canonical order", []string{"webhook", "admin", "write", "read"}, keys.AllScopes, ""},
		{"one", []string{"webhook"}, []keys.Scope{keys.ScopeWebhook}, ""},
		{"none", []string{}, []keys.Scope{}, ""},
		{"a duplicate", []string{"read", "read"}, nil, `scopes: "read" given twice`},
		{"a duplicate apart", []string{"admin", "read", "admin"}, nil, `scopes: "admin" given twice`},
		{"a duplicate webhook", []string{"webhook", "write", "webhook"}, nil, `scopes: "webhook" given twice`},
		{"unknown", []string{"read", "root"}, nil, `unknown scope "root": want read, write, admin or webhook`},
		{"case matters", []string{"Read"}, nil, `unknown scope "Read"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := keys.ParseScopes(tt.in)
			if tt.wantMsg == "" {
				if err != nil || !slices.Equal(got, tt.want) {
					t.Errorf("got %v, %v, want %v", got, err, tt.want)
				}
				return
			}
			if apperr.CodeOf(err) != apperr.BadRequest || !strings.Contains(apperr.MessageOf(err), tt.wantMsg) {
				t.Errorf("got %v, %v, want a BadRequest containing %q", got, err, tt.wantMsg)
			}
		})
	}
}

// TestScopeChoicesNamesEveryScope: the list messages and help print.
func TestScopeChoicesNamesEveryScope(t *testing.T) {
	if got, want := keys.ScopeChoices(), "read, write, admin or webhook"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
