// Package modroot finds keygate's module root, where the template, the
// Makefile and the git-ignored caches live, from wherever a test or command
// runs.
package modroot

import (
	"errors"
	"os"
	"path/filepath"
)

// Find walks up from the working directory to the folder holding go.mod.
func Find() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod found above the working directory")
		}
		dir = parent
	}
}
