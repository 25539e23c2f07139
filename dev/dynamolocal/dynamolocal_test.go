package dynamolocal

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha512"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"keygate/shared/store"
)

func TestStartServesAndStopEndsTheProcess(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	dataDir := t.TempDir()
	s, err := Start(ctx, Options{DataDir: dataDir})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	client, err := store.NewClient(ctx, store.ClientOptions{Endpoint: s.Endpoint()})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.CreateTable(ctx, client, "kept"); err != nil {
		t.Fatalf("CreateTable: %v", err)
	}
	pid := s.PID()
	// Telemetry is off: nothing leaves the machine during tests and
	// benchmarks.
	if cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid)); err == nil && !strings.Contains(string(cmdline), "\x00-disableTelemetry\x00") {
		t.Errorf("DynamoDB Local command line %q lacks -disableTelemetry", strings.ReplaceAll(string(cmdline), "\x00", " "))
	}
	if err := s.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	select {
	case <-s.Done():
	default:
		t.Fatal("Done not closed after Stop")
	}
	if err := syscall.Kill(pid, 0); err == nil {
		t.Errorf("process %d still exists after Stop", pid)
	}
	if err := s.Stop(); err != nil {
		t.Errorf("second Stop: got %v, want nil", err)
	}

	// The data directory keeps the table for the next start, as make run
	// needs, and the port asked for is the port (make run keeps its
	// endpoint across restarts).
	again, err := Start(ctx, Options{DataDir: dataDir, Port: port(t, s.Endpoint())})
	if err != nil {
		t.Fatalf("second Start: %v", err)
	}
	defer again.Stop()
	if again.Endpoint() != s.Endpoint() {
		t.Errorf("second Start on the first's port: got %s, want %s", again.Endpoint(), s.Endpoint())
	}
	client, err = store.NewClient(ctx, store.ClientOptions{Endpoint: again.Endpoint()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.EnsureTable(ctx, client, "kept"); err != nil {
		t.Fatal(err)
	}
	out, err := client.ListTables(ctx, &dynamodb.ListTablesInput{})
	if err != nil || len(out.TableNames) != 1 || out.TableNames[0] != "kept" {
		t.Errorf("tables after restart: got %v, %v, want [kept]", out, err)
	}
}

func TestCheckIntegrity(t *testing.T) {
	data := []byte("tarball bytes")
	sum := sha512.Sum512(data)
	good := "sha512-" + base64.StdEncoding.EncodeToString(sum[:])
	tests := []struct {
		name      string
		data      []byte
		integrity string
		wantErr   bool
	}{
		{"matching", data, good, false},
		{"tampered", []byte("tarball bytez"), good, true},
		{"other algorithm", data, "sha1-abc", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkIntegrity(tt.data, tt.integrity)
			if gotErr := err != nil; gotErr != tt.wantErr {
				t.Errorf("got error %v, want error: %v", err, tt.wantErr)
			}
		})
	}
}

func TestUnpackEmulator(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		wantErr bool
		want    []string
	}{
		{"emulator files only", map[string]string{
			"package/emulator/DynamoDBLocal.jar":       "jar",
			"package/emulator/DynamoDBLocal_lib/a.jar": "lib",
			"package/index.js":                         "js",
		}, false, []string{"DynamoDBLocal.jar", "DynamoDBLocal_lib/a.jar"}},
		{"path traversal refused", map[string]string{
			"package/emulator/DynamoDBLocal.jar": "jar",
			"package/emulator/../../evil":        "x",
		}, true, nil},
		{"no jar", map[string]string{"package/emulator/README.txt": "r"}, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dest := t.TempDir()
			err := unpackEmulator(tarball(t, tt.files), dest)
			if gotErr := err != nil; gotErr != tt.wantErr {
				t.Fatalf("got error %v, want error: %v", err, tt.wantErr)
			}
			for _, f := range tt.want {
				if _, err := os.Stat(filepath.Join(dest, f)); err != nil {
					t.Errorf("%s: %v", f, err)
				}
			}
			if _, err := os.Stat(filepath.Join(dest, "index.js")); err == nil {
				t.Errorf("index.js unpacked: want only package/emulator")
			}
		})
	}
}

func tarball(tb testing.TB, files map[string]string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for name, body := range files {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
			tb.Fatal(err)
		}
		if _, err := tw.Write([]byte(body)); err != nil {
			tb.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		tb.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// port is an endpoint URL's port.
func port(tb testing.TB, endpoint string) int {
	tb.Helper()
	i := strings.LastIndexByte(endpoint, ':')
	p, err := strconv.Atoi(endpoint[i+1:])
	if err != nil {
		tb.Fatal(err)
	}
	return p
}
