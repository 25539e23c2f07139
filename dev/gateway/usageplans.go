package gateway

import (
	"fmt"
	"math"
	"sync"
	"time"
)

// UsagePlan is an API Gateway usage plan: a token bucket (RateLimit per
// second refilling up to BurstLimit) and a quota per period, for the API
// keys in it. Nil fields are unset (no limit).
type UsagePlan struct {
	Name        string
	RateLimit   *float64
	BurstLimit  *int
	QuotaLimit  *int
	QuotaPeriod string // DAY, WEEK or MONTH
	KeyValues   []string
}

// usagePlans meters the API keys of the stage's usage plans as API Gateway
// does, per key: throttling first (THROTTLED), then the quota
// (QUOTA_EXCEEDED); a key in no plan is INVALID_API_KEY. Unlike API
// Gateway's best-effort metering, this one is exact.
type usagePlans struct {
	now   func() time.Time
	plans map[string]*UsagePlan // by key value

	mu      sync.Mutex
	buckets map[string]*bucket
	quotas  map[string]*quotaCount
}

type bucket struct {
	tokens float64
	at     time.Time
}

type quotaCount struct {
	period string
	used   int
}

func newUsagePlans(plans []UsagePlan, now func() time.Time) (*usagePlans, error) {
	u := &usagePlans{now: now, plans: map[string]*UsagePlan{}, buckets: map[string]*bucket{}, quotas: map[string]*quotaCount{}}
	for i := range plans {
		p := &plans[i]
		if p.QuotaLimit != nil && p.QuotaPeriod != "DAY" && p.QuotaPeriod != "WEEK" && p.QuotaPeriod != "MONTH" {
			return nil, fmt.Errorf("gateway: usage plan %s: quota period %q: want DAY, WEEK or MONTH", p.Name, p.QuotaPeriod)
		}
		for _, k := range p.KeyValues {
			if _, dup := u.plans[k]; dup {
				return nil, fmt.Errorf("gateway: API key %q is in two usage plans", k)
			}
			u.plans[k] = p
		}
	}
	return u, nil
}

// admit meters one request of key and returns "" or the gateway response
// type that refuses it.
func (u *usagePlans) admit(key string) string {
	p, ok := u.plans[key]
	if key == "" || !ok {
		return ResponseInvalidAPIKey
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	now := u.now()
	if p.RateLimit != nil || p.BurstLimit != nil {
		rate, burst := 0.0, 0.0
		if p.RateLimit != nil {
			rate = *p.RateLimit
		}
		if p.BurstLimit != nil {
			burst = float64(*p.BurstLimit)
		}
		b, ok := u.buckets[key]
		if !ok {
			b = &bucket{tokens: burst, at: now}
			u.buckets[key] = b
		}
		b.tokens = math.Min(burst, b.tokens+now.Sub(b.at).Seconds()*rate)
		b.at = now
		if b.tokens < 1 {
			return ResponseThrottled
		}
		b.tokens--
	}
	if p.QuotaLimit != nil {
		period := quotaPeriod(p.QuotaPeriod, now)
		q, ok := u.quotas[key]
		if !ok || q.period != period {
			q = &quotaCount{period: period}
			u.quotas[key] = q
		}
		if q.used >= *p.QuotaLimit {
			return ResponseQuotaExceeded
		}
		q.used++
	}
	return ""
}

// quotaPeriod names the UTC period of t.
func quotaPeriod(kind string, t time.Time) string {
	t = t.UTC()
	switch kind {
	case "MONTH":
		return t.Format("2006-01")
	case "WEEK":
		y, w := t.ISOWeek()
		return fmt.Sprintf("%d-W%02d", y, w)
	}
	return t.Format("2006-01-02")
}
