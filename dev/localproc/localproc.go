// Package localproc holds what the local servers keygate starts for tests
// and make run (DynamoDB Local, goaws) share: a free loopback port, the
// bounded capture of a process's output for error messages, and the
// project's cache folder they are installed in.
package localproc

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"

	"keygate/dev/modroot"
)

// FreePort returns a loopback TCP port free at the time of the call.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// PortFree reports whether port on 127.0.0.1 can be listened on now.
func PortFree(port int) bool {
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return false
	}
	_ = l.Close()
	return true
}

// maxOutput bounds what an Output keeps.
const maxOutput = 64 << 10

// Output collects a process's output, its first 64 KiB, for error
// messages; safe for the concurrent writes of stdout and stderr.
type Output struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write keeps p while the buffer is under its bound.
func (b *Output) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() > maxOutput {
		return len(p), nil
	}
	return b.buf.Write(p)
}

// String is what was kept.
func (b *Output) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// CacheDir is where tool's version is installed: $KEYGATE_CACHE_DIR/<tool>/<version>,
// or .cache/<tool>/<version> under the module root.
func CacheDir(tool, version string) (string, error) {
	if dir := os.Getenv("KEYGATE_CACHE_DIR"); dir != "" {
		return filepath.Join(dir, tool, version), nil
	}
	root, err := modroot.Find()
	if err != nil {
		return "", fmt.Errorf("%w; set KEYGATE_CACHE_DIR", err)
	}
	return filepath.Join(root, ".cache", tool, version), nil
}
