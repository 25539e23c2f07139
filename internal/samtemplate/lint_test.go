package samtemplate_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestCfnLint runs cfn-lint (with the SAM translator it bundles) on template.yaml: it must
// report nothing at all, warnings included.
func TestCfnLint(t *testing.T) {
	bin, err := exec.LookPath("cfn-lint")
	if err != nil {
		t.Fatal("cfn-lint is not installed: install it with `pip install cfn-lint` " +
			"(Python 3.9+; it brings aws-sam-translator), then run `cfn-lint template.yaml`")
	}
	cmd := exec.CommandContext(t.Context(), bin, "--", "template.yaml")
	cmd.Dir = repoRoot(t)
	out, err := cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "" {
		t.Fatalf("cfn-lint template.yaml: %v\n%s", err, out)
	}
}
