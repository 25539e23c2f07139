package modroot

import (
	"os"
	"path/filepath"
	"testing"
)

func TestFindFromASubdirectory(t *testing.T) {
	got, err := Find()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(got, "go.mod")); err != nil {
		t.Errorf("Find() = %s, which holds no go.mod", got)
	}
	if wd, _ := os.Getwd(); filepath.Dir(filepath.Dir(wd)) != got {
		t.Errorf("Find() from %s: got %s, want the module root two levels up", wd, got)
	}
}
