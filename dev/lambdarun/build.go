package lambdarun

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
)

// Packages maps each function's logical ID in template.yaml to the Go
// package of its bootstrap (the Makefile's build-<LogicalId> targets build
// the same packages for Lambda).
var Packages = map[string]string{
	"AuthorizerFunction": "./authorizer/bootstrap",
	"ApiKeysFunction":    "./functions/apikeys/bootstrap",
	"IdentityFunction":   "./functions/identity/bootstrap",
	"ConfigFunction":     "./functions/config/bootstrap",
	"JwksFunction":       "./functions/jwks/bootstrap",
	"WebhooksFunction":   "./functions/webhooks/bootstrap",
	// The stream's function: its events are DynamoDB stream batches.
	"WebhookDeliveryFunction": "./functions/webhookdelivery/bootstrap",
	// The delivery queue's function: its events are SQS batches.
	"WebhookWorkerFunction": "./functions/webhookworker/bootstrap",
	// The usage history's stream function.
	"UsageAggregatorFunction": "./functions/usageaggregator/bootstrap",
}

// PackageOf returns the bootstrap package of a function's logical ID.
func PackageOf(logicalID string) (string, error) {
	pkg, ok := Packages[logicalID]
	if !ok {
		return "", fmt.Errorf("unknown function %q (want one of %s)", logicalID, strings.Join(slices.Sorted(maps.Keys(Packages)), ", "))
	}
	return pkg, nil
}

// Build compiles pkg (e.g. "./authorizer/bootstrap", relative to moduleDir)
// into outDir/bootstrap for this machine: host GOOS/GOARCH, CGO_ENABLED=0,
// -tags lambda.norpc -trimpath -ldflags '-s -w', as the Makefile builds
// Lambda binaries. It returns the binary's path.
func Build(ctx context.Context, moduleDir, pkg, outDir string) (string, error) {
	return BuildFor(ctx, moduleDir, pkg, outDir, runtime.GOOS, runtime.GOARCH)
}

// BuildFor is Build for the given GOOS and GOARCH, e.g. linux/arm64 as the
// Makefile's build-<LogicalId> targets build for Lambda.
func BuildFor(ctx context.Context, moduleDir, pkg, outDir, goos, goarch string) (string, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	out := filepath.Join(outDir, "bootstrap")
	if abs, err := filepath.Abs(out); err == nil {
		out = abs
	}
	cmd := exec.CommandContext(ctx, goBin, "build", "-tags", "lambda.norpc", "-trimpath",
		"-ldflags", "-s -w", "-o", out, pkg)
	cmd.Dir = moduleDir
	cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH="+goarch, "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build %s: %w\n%s", pkg, err, stderr.String())
	}
	return out, nil
}
