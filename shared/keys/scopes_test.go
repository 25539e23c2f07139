package keys_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"keygate/dev/dynamolocal"
	"keygate/dev/testkit/fntest"
	"keygate/shared/apperr"
	"keygate/shared/keys"
	"keygate/shared/store"
)

// TestParseScopes: scopes come back in canonical order — keygate's, then
// the API document's, sorted; a malformed one or a duplicate is a 400 that
// names it. Whether a scope exists is the Service's rule
// (TestUnknownScopesAreRefused).
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
		{"an API document's scopes follow keygate's, sorted", []string{"write:projects", "read", "read:users"},
			[]keys.Scope{keys.ScopeRead, "read:users", "write:projects"}, ""},
		{"malformed: a space", []string{"read", "read users"}, nil, `scope "read users": want read, write, admin or webhook, or a scope of the API`},
		{"malformed: a comma", []string{"a,b"}, nil, `scope "a,b"`},
		{"malformed: empty", []string{""}, nil, `scope ""`},
		{"malformed: too long", []string{strings.Repeat("a", 65)}, nil, `at most 64`},
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

// TestUnknownScopesAreRefused: a key may hold keygate's scopes and the API
// document's (Config.APIScopes), no other; a refused create stores
// nothing. Without a document only keygate's four exist.
func TestUnknownScopesAreRefused(t *testing.T) {
	tests := []struct {
		name    string
		api     []keys.Scope
		scopes  []keys.Scope
		wantMsg string // "" = created
	}{
		{"keygate's own, no document", nil, []keys.Scope{keys.ScopeRead}, ""},
		{"unknown, no document", nil, []keys.Scope{"root"}, `unknown scope "root": want read, write, admin or webhook`},
		{"case matters", nil, []keys.Scope{"Read"}, `unknown scope "Read"`},
		{"the document's", []keys.Scope{"read:users", "write:projects"}, []keys.Scope{keys.ScopeRead, "read:users"}, ""},
		{"outside the document", []keys.Scope{"read:users"}, []keys.Scope{"read:projects"},
			`unknown scope "read:projects": want read, write, admin or webhook, or one of the API's: read:users`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newScopeFixture(t, tt.api)
			_, err := f.svc.Create(context.Background(), keys.OperatorCaller("ops", "u1"), keys.CreateRequest{Name: "k", Scopes: tt.scopes})
			if tt.wantMsg == "" {
				if err != nil {
					t.Fatalf("got %v, want created", err)
				}
				return
			}
			if apperr.CodeOf(err) != apperr.BadRequest || !strings.Contains(apperr.MessageOf(err), tt.wantMsg) {
				t.Errorf("got %v, want a BadRequest containing %q", err, tt.wantMsg)
			}
			if n := f.keys(t); n != 0 {
				t.Errorf("keys stored after a refused create: %d, want 0", n)
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

// scopeFixture is a Service with the API document's scopes api, on a
// fresh table with user u1.
type scopeFixture struct {
	st  *store.Store
	svc *keys.Service
}

func newScopeFixture(tb testing.TB, api []keys.Scope) *scopeFixture {
	tb.Helper()
	client, table := dynamolocal.NewTestTable(tb)
	f := &scopeFixture{st: store.New(client, table)}
	fntest.Seed(tb, f.st, "u1", "ws1", keys.RoleOwner)
	svc, err := keys.NewService(f.st, keys.Config{CursorKey: []byte(strings.Repeat("k", 32)), APIScopes: api})
	if err != nil {
		tb.Fatal(err)
	}
	f.svc = svc
	return f
}

// keys counts u1's keys.
func (f *scopeFixture) keys(tb testing.TB) int {
	tb.Helper()
	got, _, err := f.st.ListKeys(context.Background(), "u1", 100, "")
	if err != nil {
		tb.Fatal(err)
	}
	return len(got)
}

// TestCanonicalScopes: whatever order, duplicates or malformed entries a
// stored key holds, the one canonical form comes back; a canonical list of
// keygate's scopes is returned as it is.
func TestCanonicalScopes(t *testing.T) {
	tests := []struct {
		name string
		in   []keys.Scope
		want []keys.Scope
	}{
		{"canonical, keygate's", []keys.Scope{"read", "admin"}, []keys.Scope{"read", "admin"}},
		{"out of order", []keys.Scope{"admin", "read"}, []keys.Scope{"read", "admin"}},
		{"a duplicate", []keys.Scope{"admin", "admin"}, []keys.Scope{"admin"}},
		{"API scopes first", []keys.Scope{"read:users", "read"}, []keys.Scope{"read", "read:users"}},
		{"API scopes sorted, once", []keys.Scope{"w:p", "read", "a:b", "w:p"}, []keys.Scope{"read", "a:b", "w:p"}},
		{"malformed dropped", []keys.Scope{"x,admin", "read"}, []keys.Scope{"read"}},
		{"none", []keys.Scope{}, []keys.Scope{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := keys.CanonicalScopes(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestTooManyScopes: a key holds at most MaxScopes; one more is a 400 that
// stores nothing.
func TestTooManyScopes(t *testing.T) {
	var api []keys.Scope
	for i := range keys.MaxScopes {
		api = append(api, keys.Scope("s:"+strings.Repeat("x", i+1)))
	}
	f := newScopeFixture(t, api)
	_, err := f.svc.Create(context.Background(), keys.OperatorCaller("ops", "u1"), keys.CreateRequest{Name: "k", Scopes: append([]keys.Scope{keys.ScopeRead}, api...)})
	if apperr.CodeOf(err) != apperr.BadRequest || !strings.Contains(apperr.MessageOf(err), "at most 32") {
		t.Errorf("got %v, want a 400: at most 32", err)
	}
	if n := f.keys(t); n != 0 {
		t.Errorf("keys stored: %d, want 0", n)
	}
}

// TestDocsNameEveryScope: wherever the docs, the README or the CLI's help
// list keygate's scopes, they list all of them — a list that stops at
// admin once told newcomers there were three.
func TestDocsNameEveryScope(t *testing.T) {
	files, err := filepath.Glob("../../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, "../../README.md", "../../cmd/keygate/key.go", "../../cmd/keygate/main.go")
	// A prose or flag-help list (read, write, admin); a JSON array of one
	// key's scopes ("read","write","admin") is an example, not a list.
	list := regexp.MustCompile("read`?[, ]{1,2}`?write`?[, ]{1,2}(and )?`?admin")
	// The matcher finds the lists it is for.
	for _, sample := range []string{"`read`, `write` and `admin`", "read,write,admin", "read, write, admin"} {
		if !list.MatchString(sample) {
			t.Fatalf("the scope-list matcher misses %q", sample)
		}
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		text := string(b)
		for _, loc := range list.FindAllStringIndex(text, -1) {
			tail := text[loc[1]:min(len(text), loc[1]+24)]
			if !strings.Contains(tail, string(keys.ScopeWebhook)) {
				t.Errorf("%s: %q lists keygate's scopes without webhook", f, text[loc[0]:min(len(text), loc[1]+24)])
			}
		}
		if strings.Contains(text, "all three scopes") || strings.Contains(text, "three scopes") {
			t.Errorf("%s: says three scopes; keygate has %d", f, len(keys.AllScopes))
		}
	}
}

// TestWellFormedScope: what a scope name may be — it travels in the
// authorizer's context, comma separated, and in JSON.
func TestWellFormedScope(t *testing.T) {
	for _, tt := range []struct {
		scope string
		want  bool
	}{
		{"read", true}, {"read:users", true}, {"a", true}, {"9", true}, {"api/v1.read-all_x", true},
		{strings.Repeat("a", 64), true}, {strings.Repeat("a", 65), false},
		{"", false}, {":read", false}, {"-x", false}, {"read users", false}, {"read,write", false},
		{`"read"`, false}, {"lecture:é", false}, {"read\n", false},
	} {
		t.Run(tt.scope, func(t *testing.T) {
			if got := keys.WellFormedScope(tt.scope); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
