package main

import (
	"slices"
	"strings"
	"testing"
)

// TestBadInputWritesNothing runs commands with bad input against a seeded
// table: each exits non-zero with exactly one line on stderr, prints nothing
// on stdout and leaves the table as it was.
func TestBadInputWritesNothing(t *testing.T) {
	e := newTestEnv(t)
	e.seed(t)
	tests := []struct {
		name     string
		args     []string
		vars     map[string]string // overrides of the env's variables
		wantCode int
		wantErr  string
	}{
		{"invalid user id", []string{"user", "put", "bad id!", "--name", "x"}, nil, exitUsage, "invalid user id"},
		{"too long user id", []string{"user", "put", strings.Repeat("a", 65)}, nil, exitUsage, "invalid user id"},
		{"invalid workspace id", []string{"workspace", "put", "ws/1"}, nil, exitUsage, "invalid workspace id"},
		{"invalid member workspace id", []string{"member", "put", "u1", "ws#1", "--role", "owner"}, nil, exitUsage, "invalid workspace id"},
		{"invalid member user id", []string{"member", "rm", "u 1", "ws1"}, nil, exitUsage, `invalid user id "u 1"`},
		{"invalid key list user id", []string{"key", "ls", "u.1"}, nil, exitUsage, `invalid user id "u.1"`},
		{"unknown role", []string{"member", "put", "u1", "ws1", "--role", "superuser"}, nil, exitUsage, `member put: unknown role "superuser": want owner, admin or readOnly`},
		{"missing role", []string{"member", "put", "u1", "ws1"}, nil, exitUsage, "--role is required"},
		{"member of unknown workspace", []string{"member", "put", "u1", "nows", "--role", "admin"}, nil, exitFailure, "workspace nows not found"},
		{"member of unknown user", []string{"member", "put", "nouser", "ws1", "--role", "admin"}, nil, exitFailure, "user nouser not found"},
		{"unknown scope", []string{"key", "create", "u1", "--name", "x", "--scopes", "read,root"}, nil, exitUsage, "unknown scope"},
		{"bad expiry", []string{"key", "create", "u1", "--name", "x", "--expires", "tomorrow"}, nil, exitUsage, "--expires"},
		{"past expiry", []string{"key", "create", "u1", "--name", "x", "--expires", "2001-01-01T00:00:00Z"}, nil, exitUsage, "must be in the future"},
		{"expiry past the API's 5 years", []string{"key", "create", "u1", "--name", "x", "--expires", "2099-01-02T03:04:05Z"}, nil, exitUsage, "at most 5 years ahead"},
		{"expiry in days past 5 years", []string{"key", "create", "u1", "--name", "x", "--expires", "1900d"}, nil, exitUsage, "at most 5 years ahead"},
		{"missing key name", []string{"key", "create", "u1"}, nil, exitUsage, "--name is required"},
		{"invalid prefix", []string{"key", "create", "u1", "--name", "x", "--prefix", "SK"}, nil, exitUsage, "invalid --prefix"},
		{"key for unknown user", []string{"key", "create", "ghost", "--name", "x"}, nil, exitFailure, "not found"},
		{"key id that is a token", []string{"key", "revoke", "u1", "sk_" + strings.Repeat("A", 65)}, nil, exitUsage, "invalid key id"},
		{"missing table", []string{"user", "put", "u2", "--table", "keygate-no-such-table"}, nil, exitFailure, `table "keygate-no-such-table" not found`},
		{"no table configured", []string{"user", "put", "u2"}, map[string]string{"KEYGATE_TABLE": ""}, exitUsage, "no table"},
		{"unreachable endpoint", []string{"user", "put", "u2", "--endpoint", "http://127.0.0.1:1"}, nil, exitFailure, "cannot reach DynamoDB at http://127.0.0.1:1"},
		{"invalid endpoint", []string{"user", "put", "u2", "--endpoint", "127.0.0.1:8000"}, nil, exitUsage, "invalid endpoint"},
		{"unknown group", []string{"users", "put", "u2"}, nil, exitUsage, `unknown command "users"`},
		{"unknown command", []string{"user", "delete", "u1"}, nil, exitUsage, `unknown command "delete"`},
		{"missing command", []string{"user"}, nil, exitUsage, "missing command"},
		{"no arguments", nil, nil, exitUsage, "missing command"},
		{"unknown flag", []string{"user", "put", "u2", "--nme", "x"}, nil, exitUsage, "flag provided but not defined"},
		{"unknown global flag", []string{"--prefix", "tj", "key", "ls", "u1"}, nil, exitUsage, "keygate: flag provided but not defined: -prefix (see keygate --help)"},
		{"extra argument", []string{"user", "put", "u2", "u3"}, nil, exitUsage, "want <userId>, got 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.scan(t)
			saved := e.vars
			e.vars = map[string]string{}
			for k, v := range saved {
				e.vars[k] = v
			}
			for k, v := range tt.vars {
				e.vars[k] = v
			}
			r := e.run(t, tt.args...)
			e.vars = saved

			if r.code != tt.wantCode {
				t.Errorf("exit code: got %d, want %d (stderr %q)", r.code, tt.wantCode, r.stderr)
			}
			if lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n"); len(lines) != 1 || !strings.HasSuffix(r.stderr, "\n") {
				t.Errorf("stderr: got %q, want exactly one line", r.stderr)
			}
			if !strings.Contains(r.stderr, tt.wantErr) {
				t.Errorf("stderr: got %q, want it to contain %q", r.stderr, tt.wantErr)
			}
			if strings.Count(r.stderr, "keygate: ") != 1 || !strings.HasPrefix(r.stderr, "keygate: ") {
				t.Errorf("stderr: got %q, want one line starting with a single %q", r.stderr, "keygate: ")
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
