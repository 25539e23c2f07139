package main

import (
	"strings"
	"testing"
)

// TestKeyCreatePrefixFromEnv checks that key create reads its default token
// prefix as the Lambdas do (lambdaenv, KEY_PREFIX): trimmed, "sk" when unset,
// an invalid KEY_PREFIX a usage error unless --prefix overrides it.
func TestKeyCreatePrefixFromEnv(t *testing.T) {
	e := newTestEnv(t)
	e.seed(t)
	tests := []struct {
		name      string
		keyPrefix string
		args      []string
		wantCode  int
		wantOut   string // prefix of stdout
		wantErr   string // substring of stderr
	}{
		{name: "unset", wantOut: "sk_"},
		{name: "set", keyPrefix: "tj", wantOut: "tj_"},
		{name: "trimmed", keyPrefix: " tj\n", wantOut: "tj_"},
		{name: "invalid", keyPrefix: "SK", wantCode: exitUsage, wantErr: `KEY_PREFIX "SK"`},
		{name: "invalid, overridden by --prefix", keyPrefix: "SK", args: []string{"--prefix", "ab"}, wantOut: "ab_"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.vars["KEY_PREFIX"] = tt.keyPrefix
			defer delete(e.vars, "KEY_PREFIX")
			r := e.run(t, append([]string{"key", "create", "u1", "--name", "p", "--quiet"}, tt.args...)...)
			if r.code != tt.wantCode {
				t.Fatalf("exit code: got %d, want %d (stderr %q)", r.code, tt.wantCode, r.stderr)
			}
			if !strings.HasPrefix(r.stdout, tt.wantOut) {
				t.Errorf("stdout: got %q, want a token starting %q", r.stdout, tt.wantOut)
			}
			if !strings.Contains(r.stderr, tt.wantErr) {
				t.Errorf("stderr: got %q, want it to contain %q", r.stderr, tt.wantErr)
			}
		})
	}
}
