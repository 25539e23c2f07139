package authorizer_test

import (
	"log/slog"
	"testing"
	"time"

	"keygate/authorizer"
	"keygate/shared/access"
)

func TestConfigFromEnv(t *testing.T) {
	tests := []struct {
		name       string
		env        map[string]string
		wantErr    bool
		wantPrefix string
		wantLevel  slog.Level
		wantBound  time.Duration // MaxAllowLatency
	}{
		{"defaults: the cache may be on", map[string]string{"TABLE_NAME": "t"}, false, "sk", slog.LevelInfo, access.MaxAllowLatency},
		{"trimmed values", map[string]string{"TABLE_NAME": " t ", "KEY_PREFIX": " tj ", "LOG_LEVEL": " DEBUG ", "AUTHORIZER_CACHE_TTL": " 300 "}, false, "tj", slog.LevelDebug, access.MaxAllowLatency},
		{"cache off: no bound", map[string]string{"TABLE_NAME": "t", "AUTHORIZER_CACHE_TTL": "0"}, false, "sk", slog.LevelInfo, 0},
		{"no table", map[string]string{"KEY_PREFIX": "sk"}, true, "", 0, 0},
		{"bad prefix", map[string]string{"TABLE_NAME": "t", "KEY_PREFIX": "Bad_Prefix"}, true, "", 0, 0},
		{"bad log level", map[string]string{"TABLE_NAME": "t", "LOG_LEVEL": "loud"}, true, "", 0, 0},
		{"bad cache TTL", map[string]string{"TABLE_NAME": "t", "AUTHORIZER_CACHE_TTL": "soon"}, true, "", 0, 0},
		{"cache TTL out of range", map[string]string{"TABLE_NAME": "t", "AUTHORIZER_CACHE_TTL": "3601"}, true, "", 0, 0},
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
			if cfg.TableName != "t" || cfg.KeyPrefix != tt.wantPrefix || cfg.LogLevel != tt.wantLevel || cfg.MaxAllowLatency != tt.wantBound {
				t.Errorf("got %+v, want table t, prefix %s, level %v, MaxAllowLatency %v", cfg, tt.wantPrefix, tt.wantLevel, tt.wantBound)
			}
		})
	}
}
