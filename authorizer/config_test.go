package authorizer_test

import (
	"log/slog"
	"testing"

	"keygate/authorizer"
)

func TestConfigFromEnv(t *testing.T) {
	tests := []struct {
		name       string
		env        map[string]string
		wantErr    bool
		wantPrefix string
		wantLevel  slog.Level
	}{
		{"defaults", map[string]string{"TABLE_NAME": "t"}, false, "sk", slog.LevelInfo},
		{"trimmed values", map[string]string{"TABLE_NAME": " t ", "KEY_PREFIX": " tj ", "LOG_LEVEL": " DEBUG "}, false, "tj", slog.LevelDebug},
		{"no table", map[string]string{"KEY_PREFIX": "sk"}, true, "", 0},
		{"bad prefix", map[string]string{"TABLE_NAME": "t", "KEY_PREFIX": "Bad_Prefix"}, true, "", 0},
		{"bad log level", map[string]string{"TABLE_NAME": "t", "LOG_LEVEL": "loud"}, true, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := authorizer.ConfigFromEnv(func(k string) string { return tt.env[k] })
			if (err != nil) != tt.wantErr {
				t.Fatalf("err: got %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if cfg.TableName != "t" || cfg.KeyPrefix != tt.wantPrefix || cfg.LogLevel != tt.wantLevel {
				t.Errorf("got %+v, want table t, prefix %s, level %v", cfg, tt.wantPrefix, tt.wantLevel)
			}
		})
	}
}
