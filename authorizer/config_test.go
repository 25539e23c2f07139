package authorizer_test

import (
	"testing"
	"time"

	"keygate/authorizer"
	"keygate/shared/access"
	"keygate/shared/assertion"
	"keygate/shared/lambdaenv"
)

// configOf reads env as the bootstrap does: the settings, then the Config.
func configOf(env map[string]string) (authorizer.Config, error) {
	s, err := lambdaenv.Map(env).Authorizer()
	if err != nil {
		return authorizer.Config{}, err
	}
	return authorizer.ConfigFrom(s), nil
}

func TestConfigFrom(t *testing.T) {
	tests := []struct {
		name       string
		env        map[string]string
		wantErr    bool
		wantPrefix string
		wantBound  time.Duration // MaxAllowLatency
	}{
		{"defaults: the cache may be on", map[string]string{"TABLE_NAME": "t"}, false, "sk", access.MaxAllowLatency},
		{"trimmed values", map[string]string{"TABLE_NAME": " t ", "KEY_PREFIX": " tj ", "LOG_LEVEL": " DEBUG ", "AUTHORIZER_CACHE_TTL": " 300 "}, false, "tj", access.MaxAllowLatency},
		{"cache off: no bound", map[string]string{"TABLE_NAME": "t", "AUTHORIZER_CACHE_TTL": "0"}, false, "sk", 0},
		{"no table", map[string]string{"KEY_PREFIX": "sk"}, true, "", 0},
		{"bad prefix", map[string]string{"TABLE_NAME": "t", "KEY_PREFIX": "Bad_Prefix"}, true, "", 0},
		{"bad log level", map[string]string{"TABLE_NAME": "t", "LOG_LEVEL": "loud"}, true, "", 0},
		{"bad cache TTL", map[string]string{"TABLE_NAME": "t", "AUTHORIZER_CACHE_TTL": "soon"}, true, "", 0},
		{"cache TTL out of range", map[string]string{"TABLE_NAME": "t", "AUTHORIZER_CACHE_TTL": "3601"}, true, "", 0},
		{"one usage key alone", map[string]string{"TABLE_NAME": "t", "USAGE_KEY_OPEN": "o"}, true, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := configOf(tt.env)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err: got %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if cfg.KeyPrefix != tt.wantPrefix || cfg.MaxAllowLatency != tt.wantBound {
				t.Errorf("got %+v, want prefix %s, MaxAllowLatency %v", cfg, tt.wantPrefix, tt.wantBound)
			}
		})
	}
}

// TestUsageKeysFrom: the three usage plans' keys reach the Config.
func TestUsageKeysFrom(t *testing.T) {
	cfg, err := configOf(map[string]string{"TABLE_NAME": "t", "USAGE_KEY_OPEN": "o", "USAGE_KEY_THROTTLED": "th", "USAGE_KEY_EXHAUSTED": "ex"})
	if want := (authorizer.UsageKeys{Open: "o", Throttled: "th", Exhausted: "ex"}); err != nil || cfg.UsageKeys != want {
		t.Errorf("got %+v, %v; want %+v", cfg.UsageKeys, err, want)
	}
}

// TestAssertionLifetimeBound: lambdaenv refuses an ASSERTION_LIFETIME
// longer than the assertions keygate issues.
func TestAssertionLifetimeBound(t *testing.T) {
	if got, want := lambdaenv.MaxAssertionLifetime, assertion.MaxLifetime; got != want {
		t.Errorf("lambdaenv.MaxAssertionLifetime: got %v, want assertion.MaxLifetime %v", got, want)
	}
}
