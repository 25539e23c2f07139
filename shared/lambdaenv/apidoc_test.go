package lambdaenv_test

import (
	"os"
	"path/filepath"
	"testing"

	"keygate/shared/apidoc"
	"keygate/shared/lambdaenv"
)

// TestAPIDocument: the compiled document beside the bootstrap is read at
// start; without one the default document (the workspace routes) is; one that is
// there but unreadable stops the start; a document given (the local
// stack's) wins.
func TestAPIDocument(t *testing.T) {
	dir := t.TempDir()
	d := apidoc.Document{Title: "t", Scopes: []apidoc.Scope{{Name: "read:users"}}}
	b, err := apidoc.Encode(d)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, lambdaenv.APIDocumentFile), b, 0o644); err != nil {
		t.Fatal(err)
	}
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, lambdaenv.APIDocumentFile), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	given := apidoc.Document{Title: "given"}
	def := apidoc.Default().Title
	tests := []struct {
		name      string
		deps      lambdaenv.Deps
		wantTitle string
		wantErr   bool
	}{
		{"in the package", lambdaenv.Deps{Env: lambdaenv.Map(map[string]string{"LAMBDA_TASK_ROOT": dir})}, "t", false},
		{"none in the package", lambdaenv.Deps{Env: lambdaenv.Map(map[string]string{"LAMBDA_TASK_ROOT": t.TempDir()})}, def, false},
		{"not on Lambda", lambdaenv.Deps{Env: lambdaenv.Map(nil)}, def, false},
		{"unreadable", lambdaenv.Deps{Env: lambdaenv.Map(map[string]string{"LAMBDA_TASK_ROOT": bad})}, "", true},
		{"given", lambdaenv.Deps{Env: lambdaenv.Map(map[string]string{"LAMBDA_TASK_ROOT": dir}), Document: &given}, "given", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.deps.APIDocument()
			if (err != nil) != tt.wantErr || got.Title != tt.wantTitle {
				t.Errorf("got %q, %v; want %q, error %v", got.Title, err, tt.wantTitle, tt.wantErr)
			}
		})
	}
}
