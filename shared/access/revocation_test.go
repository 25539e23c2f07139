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
