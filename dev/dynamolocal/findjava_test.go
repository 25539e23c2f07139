package dynamolocal

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeJava writes an executable named java into dir/sub and returns its path.
func fakeJava(tb testing.TB, dir, sub string) string {
	tb.Helper()
	bin := filepath.Join(dir, sub)
	if err := os.MkdirAll(bin, 0o755); err != nil {
		tb.Fatal(err)
	}
	p := filepath.Join(bin, "java")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755); err != nil {
		tb.Fatal(err)
	}
	return p
}

func TestFindJava(t *testing.T) {
	home, path, empty := t.TempDir(), t.TempDir(), t.TempDir()
	homeJava := fakeJava(t, home, "bin")
	pathJava := fakeJava(t, path, "")
	tests := []struct {
		name      string
		javaHome  string
		path      string
		want      string
		wantError string
	}{
		{name: "JAVA_HOME first", javaHome: home, path: path, want: homeJava},
		{name: "PATH when JAVA_HOME has no java", javaHome: empty, path: path, want: pathJava},
		{name: "PATH without JAVA_HOME", path: path, want: pathJava},
		{name: "none", javaHome: empty, path: empty, wantError: "java not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("JAVA_HOME", tt.javaHome)
			t.Setenv("PATH", tt.path)
			got, err := FindJava()
			if tt.wantError != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantError) {
					t.Errorf("got %q, %v, want an error containing %q", got, err, tt.wantError)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %q, %v, want %q", got, err, tt.want)
			}
		})
	}
}
