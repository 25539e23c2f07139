package apikeys_test

import (
	"testing"
	"time"

	"keygate/functions/apikeys"
	"keygate/shared/access"
	"keygate/shared/lambdaenv"
)

// cursorKey is a CURSOR_KEY long enough to be accepted.
const cursorKey = "0123456789abcdef0123456789abcdef"

// configOf reads env as the bootstrap does: the settings, then the Config.
func configOf(env map[string]string) (apikeys.Config, error) {
	s, err := lambdaenv.Map(env).APIKeys()
	if err != nil {
		return apikeys.Config{}, err
	}
	return apikeys.ConfigFrom(s), nil
}

func TestConfigFrom(t *testing.T) {
	tests := []struct {
		name       string
		env        map[string]string
		wantErr    bool
		wantPrefix string
		wantOrigin string
	}{
		{"defaults", map[string]string{"TABLE_NAME": "t", "CURSOR_KEY": cursorKey}, false, "sk", "*"},
		{"custom", map[string]string{"TABLE_NAME": "t", "CURSOR_KEY": cursorKey, "KEY_PREFIX": "tj", "CORS_ALLOW_ORIGIN": "https://app.example.com", "LOG_LEVEL": "debug"}, false, "tj", "https://app.example.com"},
		{"no table", map[string]string{"CURSOR_KEY": cursorKey}, true, "", ""},
		{"no cursor key", map[string]string{"TABLE_NAME": "t"}, true, "", ""},
		{"cursor key too short", map[string]string{"TABLE_NAME": "t", "CURSOR_KEY": "short"}, true, "", ""},
		{"bad prefix", map[string]string{"TABLE_NAME": "t", "KEY_PREFIX": "Bad_Prefix"}, true, "", ""},
		{"bad log level", map[string]string{"TABLE_NAME": "t", "LOG_LEVEL": "loud"}, true, "", ""},
		{"two origins", map[string]string{"TABLE_NAME": "t", "CORS_ALLOW_ORIGIN": "https://a, https://b"}, true, "", ""},
		{"bad cache TTL", map[string]string{"TABLE_NAME": "t", "AUTHORIZER_CACHE_TTL": "soon"}, true, "", ""},
		{"cache TTL out of range", map[string]string{"TABLE_NAME": "t", "AUTHORIZER_CACHE_TTL": "3601"}, true, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := configOf(tt.env)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err: got %v, want error=%v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if cfg.KeyPrefix != tt.wantPrefix || cfg.AllowOrigin != tt.wantOrigin || string(cfg.CursorKey) != cursorKey {
				t.Errorf("config: got %+v, want prefix %s origin %s and the cursor key", cfg, tt.wantPrefix, tt.wantOrigin)
			}
		})
	}
}

func TestReflushOnlyWithTheCacheOn(t *testing.T) {
	tests := []struct {
		name string
		ttl  string
		want time.Duration
	}{
		{"cache off", "0", 0},
		{"cache on", "300", access.ReflushDelay},
		{"unknown: assume on", "", access.ReflushDelay},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := configOf(map[string]string{"TABLE_NAME": "t", "CURSOR_KEY": cursorKey, "AUTHORIZER_CACHE_TTL": tt.ttl})
			if err != nil {
				t.Fatal(err)
			}
			if cfg.ReflushAfter != tt.want {
				t.Errorf("ReflushAfter: got %v, want %v", cfg.ReflushAfter, tt.want)
			}
		})
	}
}
