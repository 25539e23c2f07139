package authorizer_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestBootstrapLinksNoSchemaSerde keeps the authorizer's cold start within
// issue 7's target (init ≤ 1.25× a hello-world Go Lambda). From v1.69.0 the
// SDK's DynamoDB client links service/dynamodb/schemas, whose package
// initialisation alone costs about 3 ms per cold start (docs/benchmarks.md),
// so go.mod pins service/dynamodb to v1.68.0. This test fails if an upgrade
// brings the package back; measure with `make bench` before relaxing it.
func TestBootstrapLinksNoSchemaSerde(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to list the bootstrap's packages: %v", err)
	}
	out, err := exec.CommandContext(t.Context(), goBin, "list", "-deps", "keygate/authorizer/bootstrap").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 50 || !slices.Contains(deps, "github.com/aws/aws-sdk-go-v2/service/dynamodb") {
		t.Fatalf("go list -deps: got %d packages without service/dynamodb, want the bootstrap's dependency graph", len(deps))
	}
	for _, p := range deps {
		if strings.HasPrefix(p, "github.com/aws/aws-sdk-go-v2/service/") && strings.HasSuffix(p, "/schemas") {
			t.Errorf("the authorizer bootstrap links %s: its package init adds milliseconds to every cold start; keep service/dynamodb below v1.69.0 (see go.mod)", p)
		}
	}
}
