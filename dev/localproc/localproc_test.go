package localproc_test

import (
	"path/filepath"
	"strings"
	"testing"

	"keygate/dev/localproc"
)

func TestOutputKeepsItsBound(t *testing.T) {
	var out localproc.Output
	chunk := strings.Repeat("x", 1<<10)
	for range 100 {
		if n, err := out.Write([]byte(chunk)); n != len(chunk) || err != nil {
			t.Fatalf("write: got %d, %v; want every byte taken", n, err)
		}
	}
	if got := len(out.String()); got < 64<<10 || got > 66<<10 {
		t.Errorf("kept %d bytes, want about 64 KiB of the 100 KiB written", got)
	}
}

func TestCacheDir(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("KEYGATE_CACHE_DIR", dir)
	got, err := localproc.CacheDir("goaws", "v1")
	if want := filepath.Join(dir, "goaws", "v1"); err != nil || got != want {
		t.Errorf("got %q, %v; want %q", got, err, want)
	}
}

func TestFreePortIsOnLoopback(t *testing.T) {
	port, err := localproc.FreePort()
	if err != nil || port <= 0 || port > 65535 {
		t.Errorf("got %d, %v; want a port", port, err)
	}
}
