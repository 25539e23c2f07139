package config_test

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestBootstrapLinksNoAWSSDK: ConfigFunction has no table and calls no AWS
// API, so its bootstrap links no AWS SDK (the DynamoDB client is built by
// store.Open, which only the Lambdas on the table import): a smaller binary
// and a shorter init (docs/benchmarks.md). It lists the packages of the
// Lambda build (linux/arm64, -tags lambda.norpc), as `go list -deps` sees
// them.
func TestBootstrapLinksNoAWSSDK(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to list the bootstrap's packages: %v", err)
	}
	cmd := exec.CommandContext(t.Context(), goBin, "list", "-deps", "-tags", "lambda.norpc", "keygate/functions/config/bootstrap")
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if !slices.Contains(deps, "github.com/aws/aws-lambda-go/lambda") || !slices.Contains(deps, "keygate/shared/lambdaenv") {
		t.Fatalf("go list -deps: got %d packages without the Lambda runtime and lambdaenv, want the bootstrap's dependency graph", len(deps))
	}
	for _, p := range deps {
		if strings.HasPrefix(p, "github.com/aws/aws-sdk-go-v2") || strings.HasPrefix(p, "github.com/aws/smithy-go") {
			t.Errorf("the ConfigFunction bootstrap links %s: it needs no AWS API; build clients in the Wire of the functions that use them (store.Open for DynamoDB)", p)
		}
	}
}
