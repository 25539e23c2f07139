package iamcheck

import (
	"path/filepath"
	"testing"

	"keygate/dev/modroot"
	"keygate/dev/samtemplate"
)

// Statements returns the IAM statements template.yaml gives the role of
// function logicalID, failing the test if there are none.
func Statements(tb testing.TB, logicalID string) []samtemplate.Statement {
	tb.Helper()
	return StatementsWith(tb, logicalID, nil)
}

// StatementsWith is Statements with template parameters overridden (e.g.
// UpstreamUrl, whose statements are conditional).
func StatementsWith(tb testing.TB, logicalID string, params map[string]string) []samtemplate.Statement {
	tb.Helper()
	root, err := modroot.Find()
	if err != nil {
		tb.Fatal(err)
	}
	tpl, err := samtemplate.Load(filepath.Join(root, "template.yaml"), params)
	if err != nil {
		tb.Fatal(err)
	}
	statements := tpl.Functions[logicalID].Policies
	if len(statements) == 0 {
		tb.Fatalf("template.yaml: %s has no policy statements", logicalID)
	}
	return statements
}
