package main

import (
	"slices"
	"strings"
	"testing"
)

// TestTextInputRefused: text that is not UTF-8 (including a UTF-8-encoded
// surrogate, which is how a lone surrogate reaches a command line), a
// duplicate scope, and webhook URLs that name an address in a form the
// guard cannot judge exit 2 with one line naming the problem and leave the
// table as it was.
func TestTextInputRefused(t *testing.T) {
	e := newTestEnv(t)
	e.seed(t)
	hook := func(url string, more ...string) []string {
		return append([]string{"webhook", "create", "u1", "--url", url, "--events", "key.created"}, more...)
	}
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"key name not UTF-8", []string{"key", "create", "u1", "--name", "ci\xc3\x28"}, "key create: --name: name must be valid UTF-8"},
		{"key name with a UTF-8-encoded surrogate", []string{"key", "create", "u1", "--name", "ci\xed\xa0\x80"}, "name must be valid UTF-8"},
		{"key rename not UTF-8", []string{"key", "update", "u1", "AbC123dEf456GhI7", "--name", "\xff"}, "key update: --name: name must be valid UTF-8"},
		{"duplicate scope", []string{"key", "create", "u1", "--name", "ci", "--scopes", "read,read"}, `key create: --scopes: scopes: "read" given twice`},
		{"duplicate scope apart", []string{"key", "create", "u1", "--name", "ci", "--scopes", "webhook, admin ,webhook"}, `scopes: "webhook" given twice`},
		{"scopes naming nothing", []string{"key", "create", "u1", "--name", "ci", "--scopes", " , "}, `key create: --scopes " , " names no scope`},
		{"unknown scope names all four", []string{"key", "create", "u1", "--name", "ci", "--scopes", "read,root"}, `unknown scope "root": want read, write, admin or webhook`},
		{"user name not UTF-8", []string{"user", "put", "u1", "--name", "Al\xc3\x28ce"}, "user name and email must be valid UTF-8"},
		{"user email not UTF-8", []string{"user", "put", "u1", "--email", "a\xed\xb0\x80@example.com"}, "must be valid UTF-8"},
		{"workspace name not UTF-8", []string{"workspace", "put", "ws1", "--name", "Mark\xffeting"}, "workspace name must be valid UTF-8"},
		{"webhook url not UTF-8", hook("https://hooks.example.com/\xc3\x28"), "url: not valid UTF-8"},
		{"webhook description not UTF-8", hook("https://hooks.example.com/x", "--description", "d\xc3\x28"), "description:"},
		{"webhook url 127.1", hook("https://127.1/x"), "url: a numeric host must be a dotted-quad"},
		{"webhook url 0x7f000001", hook("https://0x7f000001/x"), "dotted-quad"},
		{"webhook url 2130706433", hook("https://2130706433/x"), "dotted-quad"},
		{"webhook url 0177.0.0.1", hook("https://0177.0.0.1/x"), "dotted-quad"},
		{"webhook url port 99999", hook("https://hooks.example.com:99999/x"), "url: the port must be a number from 1 to 65535"},
		{"webhook url IPv4-compatible loopback", hook("https://[::7f00:1]/x"), "url: the address is not public"},
		{"webhook url Teredo", hook("https://[2001::1]/x"), "not public"},
		{"webhook url site-local", hook("https://[fec0::1]/x"), "not public"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.scan(t)
			r := e.run(t, tt.args...)
			if r.code != exitUsage {
				t.Errorf("exit code: got %d, want %d (stderr %q)", r.code, exitUsage, r.stderr)
			}
			if !strings.Contains(r.stderr, tt.wantErr) || strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("stderr: got %q, want one line containing %q", r.stderr, tt.wantErr)
			}
			if r.stdout != "" {
				t.Errorf("stdout: got %q, want nothing", r.stdout)
			}
			if after := e.scan(t); !slices.Equal(after, before) {
				t.Errorf("table changed:\nbefore %v\nafter  %v", before, after)
			}
		})
	}
}

// TestScopeHelpNamesAllFour: key create's help lists every scope.
func TestScopeHelpNamesAllFour(t *testing.T) {
	e := newTestEnv(t)
	r := e.run(t, "key", "create", "--help")
	out := r.stdout + r.stderr
	if !strings.Contains(out, "read, write, admin, webhook (default all four)") || strings.Contains(out, "all three") {
		t.Errorf("key create --help: got %q, want the four scopes and \"default all four\"", out)
	}
}
