package lambdaenv

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"keygate/shared/apidoc"
)

// APIDocumentFile is the compiled API document's name in a function's
// package: the build writes it beside the bootstrap when the team's
// document exists (docs/extend.md); without it the function serves
// apidoc.Default, as template.yaml does.
const APIDocumentFile = "apidoc.json"

// varTaskRoot is where Lambda unpacks the function's package.
const varTaskRoot = "LAMBDA_TASK_ROOT"

// APIDocument is the team's compiled API document: d.APIDocument when the
// local stack or a test gives one, else the package's APIDocumentFile
// under LAMBDA_TASK_ROOT, else apidoc.Default (the workspace routes
// template.yaml forwards). A file that is there but unreadable is an
// error: the function must not start with a different API than was built.
func (d Deps) APIDocument() (apidoc.Document, error) {
	if d.Document != nil {
		return *d.Document, nil
	}
	root := d.Env.value(varTaskRoot)
	if root == "" {
		return apidoc.Default(), nil
	}
	b, err := os.ReadFile(filepath.Join(root, APIDocumentFile))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return apidoc.Default(), nil
	case err != nil:
		return apidoc.Document{}, fmt.Errorf("%s: %w", APIDocumentFile, err)
	}
	return apidoc.Decode(b)
}
