package sqslocal

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"keygate/dev/localproc"
)

// The pinned server: goaws's command at this version, built from the Go
// module proxy (v1.x is retracted and refused by the proxy).
const (
	Module  = "github.com/Admiral-Piett/goaws"
	Version = "v0.5.4"
	// mainPackage is the command `go install` builds; its binary is named
	// after the folder, cmd.
	mainPackage = Module + "/app/cmd"
	binName     = "cmd"
)

// InstallHint is the command that installs everything Start needs.
const InstallHint = "make tools   (or: go run ./dev/sqslocal/install)"

// CacheDir is where the server is installed: $KEYGATE_CACHE_DIR/goaws/<version>,
// or .cache/goaws/<version> under the module root.
func CacheDir() (string, error) {
	dir, err := localproc.CacheDir("goaws", Version)
	if err != nil {
		return "", fmt.Errorf("sqslocal: %w", err)
	}
	return dir, nil
}

// Installed returns the server's binary if it is already built.
func Installed() (string, bool) {
	dir, err := CacheDir()
	if err != nil {
		return "", false
	}
	bin := filepath.Join(dir, "bin", binName)
	if _, err := os.Stat(bin); err != nil {
		return bin, false
	}
	return bin, true
}

// Install builds the pinned goaws into CacheDir with `go install
// <Module>/app/cmd@<Version>` (GOBIN set to the cache), and does nothing when
// it is already there. The go command fetches the module through GOPROXY
// the first time and from the module cache after that.
func Install(ctx context.Context, log io.Writer) (string, error) {
	if bin, ok := Installed(); ok {
		return bin, nil
	}
	dir, err := CacheDir()
	if err != nil {
		return "", err
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("sqslocal: go not found on PATH: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	// Build into a folder beside the destination and rename it into place:
	// test binaries of several packages may install at the same time, and
	// the first rename wins; the others find the binary there and use it.
	staging, err := os.MkdirTemp(dir, ".partial-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(staging)
	fmt.Fprintf(log, "sqslocal: go install %s@%s\n", mainPackage, Version)
	cmd := exec.CommandContext(ctx, goTool, "install", mainPackage+"@"+Version)
	// Outside any module, so keygate's go.mod and go.work play no part.
	cmd.Dir = staging
	cmd.Env = append(os.Environ(), "GOBIN="+filepath.Join(staging, "bin"), "GOWORK=off", "GOFLAGS=-buildvcs=false")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("sqslocal: go install %s@%s: %w: %s", mainPackage, Version, err, strings.TrimSpace(out.String()))
	}
	if err := os.Rename(filepath.Join(staging, "bin"), filepath.Join(dir, "bin")); err != nil {
		if bin, ok := Installed(); ok {
			return bin, nil
		}
		return "", fmt.Errorf("sqslocal: move goaws into place: %w", err)
	}
	bin, ok := Installed()
	if !ok {
		return "", fmt.Errorf("sqslocal: go install left no %s in %s", binName, filepath.Join(dir, "bin"))
	}
	fmt.Fprintf(log, "sqslocal: goaws %s installed at %s\n", Version, bin)
	return bin, nil
}
