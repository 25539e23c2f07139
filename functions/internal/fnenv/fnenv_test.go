package fnenv_test

import (
	"log/slog"
	"testing"
	"time"

	"keygate/functions/internal/fnenv"
	"keygate/shared/keys"
)

func TestLoad(t *testing.T) {
	tests := []struct {
		name      string
		env       map[string]string
		needTable bool
		wantErr   bool
		wantLevel slog.Level
	}{
		{"defaults", map[string]string{"TABLE_NAME": "t"}, true, false, slog.LevelInfo},
		{"upper-case level", map[string]string{"TABLE_NAME": "t", "LOG_LEVEL": "DEBUG"}, true, false, slog.LevelDebug},
		{"no table needed", map[string]string{}, false, false, slog.LevelInfo},
		{"table missing", map[string]string{}, true, true, 0},
		{"bad level", map[string]string{"LOG_LEVEL": "verbose"}, false, true, 0},
		{"origin with newline", map[string]string{"CORS_ALLOW_ORIGIN": "https://a\r\nX: y"}, false, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := fnenv.Load(func(k string) string { return tt.env[k] }, tt.needTable)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err: got %v, want error=%v", err, tt.wantErr)
			}
			if err == nil && (c.LogLevel != tt.wantLevel || c.AllowOrigin != "*") {
				t.Errorf("got level %v origin %q, want %v *", c.LogLevel, c.AllowOrigin, tt.wantLevel)
			}
		})
	}
}

func TestBoolAndInt(t *testing.T) {
	env := map[string]string{"T": "TRUE", "F": "0", "BAD": "yes", "N": "42", "NEG": "-1"}
	get := func(k string) string { return env[k] }
	for _, tt := range []struct {
		name string
		want bool
		err  bool
	}{{"T", true, false}, {"F", false, false}, {"UNSET", true, false}, {"BAD", false, true}} {
		got, err := fnenv.Bool(get, tt.name, true)
		if got != tt.want || (err != nil) != tt.err {
			t.Errorf("Bool(%s): got %v, %v; want %v, error=%v", tt.name, got, err, tt.want, tt.err)
		}
	}
	if n, err := fnenv.Int(get, "N", 7); n != 42 || err != nil {
		t.Errorf("Int(N): got %d, %v; want 42", n, err)
	}
	if n, err := fnenv.Int(get, "UNSET", 7); n != 7 || err != nil {
		t.Errorf("Int(UNSET): got %d, %v; want 7", n, err)
	}
	if _, err := fnenv.Int(get, "NEG", 7); err == nil {
		t.Errorf("Int(NEG): got nil error, want one")
	}
}

// TestLoadRegion: the region is awsenv's, so main and store.NewClient agree.
func TestLoadRegion(t *testing.T) {
	for _, tt := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "us-east-2"}, "eu-west-1"},
		{map[string]string{"AWS_DEFAULT_REGION": "us-east-2"}, "us-east-2"},
		{nil, ""},
	} {
		c, err := fnenv.Load(func(k string) string { return tt.env[k] }, false)
		if err != nil || c.Region != tt.want {
			t.Errorf("env %v: got %q, %v; want %q", tt.env, c.Region, err, tt.want)
		}
	}
}

func TestAuditRetention(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    time.Duration
		wantErr bool
	}{
		{"default", map[string]string{}, keys.DefaultAuditRetention, false},
		{"days", map[string]string{"AUDIT_RETENTION_DAYS": "7"}, 7 * 24 * time.Hour, false},
		{"zero", map[string]string{"AUDIT_RETENTION_DAYS": "0"}, 0, true},
		{"not a number", map[string]string{"AUDIT_RETENTION_DAYS": "week"}, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := fnenv.AuditRetention(func(k string) string { return tt.env[k] })
			if got != tt.want || (err != nil) != tt.wantErr {
				t.Errorf("got %v, %v; want %v, error=%v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}
