package access

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"keygate/shared/keys"
)

// The names of keygate's limits in the RateLimit headers.
const (
	policyRate  = "rate"
	policyQuota = "quota"
)

// LimitFields are the authorizer context's description of a key's limits
// (KeyRateLimitPolicy, KeyRateLimit), "" for a key without limits. Names
// are written without quotes, so the context needs no JSON escapes; the
// headers add them.
func LimitFields(k keys.Key, l keys.LimitState) (policy, state string) {
	var p, s []string
	if r := k.RateLimit; r != nil {
		p = append(p, policyRate+";q="+strconv.FormatInt(r.Limit, 10)+";w="+seconds(r.Window))
		s = append(s, policyRate+";r="+strconv.FormatInt(l.RateRemaining, 10)+";t="+seconds(l.RateReset))
	}
	if q := k.Quota; q != nil {
		window := 24 * time.Hour
		if q.Period == keys.QuotaMonth {
			window = 31 * 24 * time.Hour
		}
		p = append(p, policyQuota+";q="+strconv.FormatInt(q.Limit, 10)+";w="+seconds(window))
		s = append(s, policyQuota+";r="+strconv.FormatInt(l.QuotaRemaining, 10)+";t="+seconds(l.QuotaReset))
	}
	return strings.Join(p, ","), strings.Join(s, ",")
}

// seconds writes d in whole seconds, rounded up.
func seconds(d time.Duration) string {
	return strconv.FormatInt(int64(math.Ceil(d.Seconds())), 10)
}

// SetRateLimitHeaders writes the IETF draft-10 RateLimit-Policy and
// RateLimit headers (draft-ietf-httpapi-ratelimit-headers-10) for the
// caller's limits, e.g.
//
//	RateLimit-Policy: "rate";q=100;w=1, "quota";q=10000;w=86400
//	RateLimit: "rate";r=199;t=1, "quota";r=9999;t=3600
//
// A key without limits gets neither.
func SetRateLimitHeaders(h http.Header, id Identity) {
	if id.RateLimitPolicy == "" {
		return
	}
	h.Set("RateLimit-Policy", quoteNames(id.RateLimitPolicy))
	h.Set("RateLimit", quoteNames(id.RateLimit))
}

// quoteNames turns "rate;q=1,quota;q=2" into `"rate";q=1, "quota";q=2`.
func quoteNames(list string) string {
	items := strings.Split(list, ",")
	for i, it := range items {
		name, params, _ := strings.Cut(it, ";")
		items[i] = strconv.Quote(name) + ";" + params
	}
	return strings.Join(items, ", ")
}
