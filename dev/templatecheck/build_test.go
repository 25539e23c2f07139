package templatecheck_test

import (
	"debug/elf"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// TestBuildTargets: `sam build` runs `make build-<LogicalId>` for every function (BuildMethod:
// makefile); each target must leave a static linux/arm64 ELF named bootstrap in ARTIFACTS_DIR,
// as provided.al2023 on arm64 expects.
func TestBuildTargets(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Fatal("make is not installed: install it (apt-get install make) to build the functions")
	}
	tpl := loadTemplate(t, nil)
	if len(tpl.Functions) == 0 {
		t.Fatal("the template has no functions")
	}
	root := repoRoot(t)
	for _, id := range sortedIDs(tpl.Functions) {
		t.Run(id, func(t *testing.T) {
			dir := t.TempDir()
			cmd := exec.CommandContext(t.Context(), "make", "--no-print-directory", "build-"+id, "ARTIFACTS_DIR="+dir)
			cmd.Dir = root
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("make build-%s: %v\n%s", id, err, out)
			}
			f, err := elf.Open(filepath.Join(dir, "bootstrap"))
			if err != nil {
				t.Fatalf("bootstrap: %v", err)
			}
			defer f.Close()
			if f.Machine != elf.EM_AARCH64 {
				t.Errorf("machine: got %v, want %v", f.Machine, elf.EM_AARCH64)
			}
			if f.Class != elf.ELFCLASS64 {
				t.Errorf("class: got %v, want %v", f.Class, elf.ELFCLASS64)
			}
			if f.Type != elf.ET_EXEC {
				t.Errorf("type: got %v, want %v", f.Type, elf.ET_EXEC)
			}
			for _, p := range f.Progs {
				if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
					t.Errorf("program header %v: want a static binary", p.Type)
				}
			}
			if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
				t.Errorf("imported libraries: got %v, want none", libs)
			}
		})
	}
}

func sortedIDs[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
