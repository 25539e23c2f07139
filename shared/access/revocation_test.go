package access

import (
	"testing"
	"time"
)

// TestRevocationTiming: a late Allow is refused early enough before the
// second flush for API Gateway to have stored any Allow that was not.
func TestRevocationTiming(t *testing.T) {
	const storeMargin = 200 * time.Millisecond
	if MaxAllowLatency <= 0 || MaxAllowLatency+storeMargin > ReflushDelay {
		t.Errorf("MaxAllowLatency %v, ReflushDelay %v: want 0 < MaxAllowLatency <= ReflushDelay - %v", MaxAllowLatency, ReflushDelay, storeMargin)
	}
}

func TestCacheMayBeOn(t *testing.T) {
	tests := []struct {
		value   string
		want    bool
		wantErr bool
	}{
		{"", true, false},
		{"300", true, false},
		{" 1 ", true, false},
		{"0", false, false},
		{"3600", true, false},
		{"3601", false, true},
		{"-1", false, true},
		{"5m", false, true},
	}
	for _, tt := range tests {
		got, err := CacheMayBeOn(func(string) string { return tt.value })
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("AUTHORIZER_CACHE_TTL %q: got %v, %v; want %v, error %v", tt.value, got, err, tt.want, tt.wantErr)
		}
	}
}
