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
		t.Fatal("cfn-lint is not on PATH: make test and .ci/run need it there (.ci/run does not install it). " +
			"Install it from PyPI (`pipx install cfn-lint` or `pip install cfn-lint`, Python 3.9+, " +
			"aws-sam-translator included) or Homebrew (`brew install cfn-lint`), then run `cfn-lint template.yaml`")
	}
	cmd := exec.CommandContext(t.Context(), bin, "--", "template.yaml")
	cmd.Dir = repoRoot(t)
	out, err := cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "" {
		t.Fatalf("cfn-lint template.yaml: %v\n%s", err, out)
	}
}
