package store_test

import (
	"testing"
	"time"

	"keygate/shared/keys"
)

// Finding 10: a limited key answered 500 under contention. Any number of
// simultaneous requests on a key, fresh or in use, ends admitted or
// refused — never an error — and admits no more than the limit.
func TestVerifyConvergesUnderContention(t *testing.T) {
	const n = 64
	tests := []struct {
		name  string
		rate  *keys.RateLimit
		quota *keys.Quota
		want  int // admitted of n
	}{
		{"fresh rate limit", &keys.RateLimit{Limit: 5, Window: time.Minute, Burst: 5}, nil, 5},
		{"fresh quota", nil, &keys.Quota{Limit: 7, Period: keys.QuotaDay}, 7},
		{"fresh rate limit and quota", &keys.RateLimit{Limit: 10, Window: time.Minute, Burst: 10}, &keys.Quota{Limit: 6, Period: keys.QuotaMonth}, 6},
		{"room for all", &keys.RateLimit{Limit: 100, Window: time.Second, Burst: 100}, nil, n},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _, k := limitedStore(t, tt.rate, tt.quota)
			at := time.Now().UTC()
			for round := range 3 {
				// Each round at one instant, a window apart: the first on
				// a fresh key, the next on an idle one (both resets).
				got := burstAt(t, st, k, at.Add(time.Duration(round)*time.Hour), n)
				if got[keys.VerifyValid] > tt.want {
					t.Errorf("round %d: admitted %d of %d, limit %d", round, got[keys.VerifyValid], n, tt.want)
				}
				if tt.quota == nil && got[keys.VerifyValid] != tt.want {
					t.Errorf("round %d: admitted %d of %d, want %d", round, got[keys.VerifyValid], n, tt.want)
				}
				if round == 0 && got[keys.VerifyValid] != tt.want {
					t.Errorf("round %d: admitted %d of %d, want %d", round, got[keys.VerifyValid], n, tt.want)
				}
				refused := got[keys.VerifyThrottled] + got[keys.VerifyQuotaExceeded]
				if got[keys.VerifyValid]+refused != n {
					t.Errorf("round %d: got %v, want every request admitted or refused", round, got)
				}
			}
		})
	}
}
