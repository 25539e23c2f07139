package templatecheck_test

import (
	"os"
	"path/filepath"
	"testing"

	"keygate/dev/modroot"
	"keygate/dev/samtemplate"
)

// repoRoot returns the module root (the directory holding go.mod and template.yaml).
func repoRoot(tb testing.TB) string {
	tb.Helper()
	root, err := modroot.Find()
	if err != nil {
		tb.Fatal(err)
	}
	return root
}

// loadTemplate loads the repository's template.yaml.
func loadTemplate(tb testing.TB, overrides map[string]string) *samtemplate.Template {
	tb.Helper()
	t, err := samtemplate.Load(filepath.Join(repoRoot(tb), "template.yaml"), overrides)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// readFile returns a file's bytes or fails the test.
func readFile(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
