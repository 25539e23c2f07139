package templatecheck_test

import (
	"os/exec"
	"strings"
	"testing"
)

// shippingRooms are the module's directories whose packages may be linked into a Lambda: what
// runs on AWS. Everything else of the module (dev/, e2e/, examples/, cmd/) helps on a laptop,
// in tests or at an operator's desk, and never ships (docs/layout.md).
var shippingRooms = []string{"keygate/authorizer", "keygate/functions", "keygate/shared"}

// buildPackage returns the package `make build-<id>` (the template's BuildMethod: makefile)
// compiles into the function's bootstrap, read from make's dry run.
func buildPackage(tb testing.TB, root, id string) string {
	tb.Helper()
	cmd := exec.CommandContext(tb.Context(), "make", "--dry-run", "--no-print-directory", "build-"+id, "ARTIFACTS_DIR=artifacts")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("make --dry-run build-%s: %v\n%s", id, err, out)
	}
	_, after, ok := strings.Cut(string(out), " -o artifacts/bootstrap ")
	if !ok {
		tb.Fatalf("make --dry-run build-%s: got %q, want a go build -o artifacts/bootstrap <package>", id, out)
	}
	// The build line's package; a later line (the API document's
	// compilation, which runs on the build machine) ships no code.
	after, _, _ = strings.Cut(after, "\n")
	fields := strings.Fields(after)
	if len(fields) != 1 || !strings.HasPrefix(fields[0], "./") {
		tb.Fatalf("make --dry-run build-%s: got package %q, want one ./<dir>", id, after)
	}
	return "keygate/" + strings.TrimPrefix(fields[0], "./")
}

// lambdaDeps lists the packages pkg links when built as the Makefile builds it for Lambda.
func lambdaDeps(tb testing.TB, root, pkg string) []string {
	tb.Helper()
	cmd := exec.CommandContext(tb.Context(), "go", "list", "-deps", "-tags", "lambda.norpc", pkg)
	cmd.Dir = root
	cmd.Env = append(cmd.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("go list -deps %s: %v\n%s", pkg, err, stderr.String())
	}
	return strings.Fields(string(out))
}

// TestLambdasLinkNoDevelopmentCode: every function of template.yaml, as its build target
// compiles it, links only packages of the rooms that ship (authorizer/, functions/, shared/)
// besides the standard library and modules: no local tooling, test kit, end-to-end test,
// example or operator CLI reaches AWS.
func TestLambdasLinkNoDevelopmentCode(t *testing.T) {
	tpl := loadTemplate(t, nil)
	root := repoRoot(t)
	for _, id := range sortedIDs(tpl.Functions) {
		t.Run(id, func(t *testing.T) {
			pkg := buildPackage(t, root, id)
			deps := lambdaDeps(t, root, pkg)
			var own int
			for _, p := range deps {
				if p != "keygate" && !strings.HasPrefix(p, "keygate/") {
					continue
				}
				own++
				if !inShippingRoom(p) {
					t.Errorf("%s links %s: got a package outside %v, want none (it would ship to AWS)", pkg, p, shippingRooms)
				}
				if p == buildOnly {
					t.Errorf("%s links %s: the build reads the API document, the Lambdas read its compiled JSON", pkg, p)
				}
			}
			if own == 0 {
				t.Errorf("go list -deps %s: got no keygate package, want at least the bootstrap itself", pkg)
			}
		})
	}
}

// buildOnly is shared code the build runs and no Lambda links: the API
// document's reader, with its YAML parser.
const buildOnly = "keygate/shared/apidoc/compile"

func inShippingRoom(pkg string) bool {
	for _, room := range shippingRooms {
		if pkg == room || strings.HasPrefix(pkg, room+"/") {
			return true
		}
	}
	return false
}

// TestInShippingRoom: the rooms are matched by path element, so a dev package named like a
// shipping room does not pass.
func TestInShippingRoom(t *testing.T) {
	tests := []struct {
		pkg  string
		want bool
	}{
		{"keygate/authorizer", true},
		{"keygate/authorizer/bootstrap", true},
		{"keygate/functions/config/bootstrap", true},
		{"keygate/shared/store", true},
		{"keygate/dev/gateway", false},
		{"keygate/dev/testkit/faults", false},
		{"keygate/e2e", false},
		{"keygate/examples/upstream", false},
		{"keygate/cmd/keygate", false},
		{"keygate/sharedx", false},
		{"keygate", false},
	}
	for _, tt := range tests {
		t.Run(tt.pkg, func(t *testing.T) {
			if got := inShippingRoom(tt.pkg); got != tt.want {
				t.Errorf("inShippingRoom(%q): got %v, want %v", tt.pkg, got, tt.want)
			}
		})
	}
}
