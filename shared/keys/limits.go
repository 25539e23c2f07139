package keys

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"keygate/shared/apperr"
)

// RateLimit is a key's request rate: Limit requests per Window sustained,
// with bursts of up to Burst requests at once. It is enforced with GCRA
// (the generic cell rate algorithm): one request every Window/Limit, a
// tolerance of Burst-1 such intervals, so there is no double burst at the
// edge of a window as with fixed windows.
type RateLimit struct {
	Limit  int64
	Window time.Duration
	Burst  int64
}

// QuotaPeriod is the calendar period of a quota, in UTC.
type QuotaPeriod string

// The quota periods.
const (
	QuotaDay   QuotaPeriod = "day"
	QuotaMonth QuotaPeriod = "month"
)

// Quota is a key's allowance of requests per calendar day or month (UTC).
type Quota struct {
	Limit  int64
	Period QuotaPeriod
}

// QuotaState is how much of its quota a key has used in the current period.
type QuotaState struct {
	// Period names the period the count belongs to (PeriodKey).
	Period string
	Used   int64
}

// RateState is a rate limit's GCRA state: the theoretical arrival time of
// the next request (zero: never used). The next request is admitted from
// TAT minus the limit's Tolerance.
type RateState struct {
	TAT time.Time
}

// Limits bound the limits keys may carry and give the defaults of keys
// that set none (template parameters MaxRateLimit, MaxBurst, MaxQuota,
// DefaultRateLimit, DefaultQuota).
type Limits struct {
	// MaxRatePerSecond caps a key's sustained rate (Limit/Window).
	MaxRatePerSecond float64
	// MaxBurst caps a key's burst.
	MaxBurst int64
	// MaxQuota caps a key's quota limit, whatever its period.
	MaxQuota int64
	// DefaultRate and DefaultQuota apply to keys created without one
	// (nil: none).
	DefaultRate  *RateLimit
	DefaultQuota *Quota
}

// DefaultLimits are the template's defaults: generous caps, no default
// limits.
var DefaultLimits = Limits{MaxRatePerSecond: 1000, MaxBurst: 5000, MaxQuota: 1_000_000_000}

// windows are the rate windows a limit may use, by the unit names the API
// and the CLI accept.
var windows = map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour}

// ParseRate reads a rate such as "100/s", "10000/h" or "5/30s" (a count,
// then a window: a unit s, m, h or d, optionally after a whole number).
func ParseRate(s string) (limit int64, window time.Duration, err error) {
	n, w, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return 0, 0, apperr.Errorf(apperr.BadRequest, "rate %q: want <count>/<window> such as 100/s or 10000/h", s)
	}
	limit, err = strconv.ParseInt(n, 10, 64)
	if err != nil || limit <= 0 {
		return 0, 0, apperr.Errorf(apperr.BadRequest, "rate %q: the count must be a whole number above 0", s)
	}
	unit := strings.TrimLeft(w, "0123456789")
	d, ok := windows[unit]
	if !ok {
		return 0, 0, apperr.Errorf(apperr.BadRequest, "rate %q: unknown window unit %q: want s, m, h or d", s, unit)
	}
	mult := int64(1)
	if num := strings.TrimSuffix(w, unit); num != "" {
		if mult, err = strconv.ParseInt(num, 10, 64); err != nil || mult <= 0 || mult > 86400 {
			return 0, 0, apperr.Errorf(apperr.BadRequest, "rate %q: the window must be a whole number of %s above 0", s, unit)
		}
	}
	return limit, time.Duration(mult) * d, nil
}

// ParseQuota reads a quota such as "10000/day" or "1000000/month".
func ParseQuota(s string) (Quota, error) {
	n, p, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return Quota{}, apperr.Errorf(apperr.BadRequest, "quota %q: want <count>/day or <count>/month", s)
	}
	limit, err := strconv.ParseInt(n, 10, 64)
	if err != nil || limit <= 0 {
		return Quota{}, apperr.Errorf(apperr.BadRequest, "quota %q: the count must be a whole number above 0", s)
	}
	return Quota{Limit: limit, Period: QuotaPeriod(p)}, nil
}

// CheckRateLimit applies the rate rules: whole numbers above 0, a window
// from 1 s to 1 day in whole seconds, a burst of at least the limit (a
// smaller one could never admit the limit), a rate and burst within l.
func (l Limits) CheckRateLimit(r RateLimit) error {
	switch {
	case r.Limit <= 0:
		return apperr.Errorf(apperr.BadRequest, "rateLimit.limit must be a whole number above 0")
	case r.Window < time.Second || r.Window > 24*time.Hour || r.Window%time.Second != 0:
		return apperr.Errorf(apperr.BadRequest, "rateLimit.windowSeconds must be a whole number from 1 to 86400")
	case r.Burst < r.Limit:
		return apperr.Errorf(apperr.BadRequest, "rateLimit.burst (%d) must be at least rateLimit.limit (%d)", r.Burst, r.Limit)
	case float64(r.Limit)/r.Window.Seconds() > l.MaxRatePerSecond:
		return apperr.Errorf(apperr.BadRequest, "rateLimit: %d per %s is above this deployment's maximum of %g requests per second (MaxRateLimit)", r.Limit, r.Window, l.MaxRatePerSecond)
	case r.Burst > l.MaxBurst:
		return apperr.Errorf(apperr.BadRequest, "rateLimit.burst %d is above this deployment's maximum of %d (MaxBurst)", r.Burst, l.MaxBurst)
	}
	return nil
}

// CheckQuota applies the quota rules: a whole number above 0, at most
// l.MaxQuota, per day or per month.
func (l Limits) CheckQuota(q Quota) error {
	switch {
	case q.Period != QuotaDay && q.Period != QuotaMonth:
		return apperr.Errorf(apperr.BadRequest, "quota.period must be day or month")
	case q.Limit <= 0:
		return apperr.Errorf(apperr.BadRequest, "quota.limit must be a whole number above 0")
	case q.Limit > l.MaxQuota:
		return apperr.Errorf(apperr.BadRequest, "quota.limit %d is above this deployment's maximum of %d (MaxQuota)", q.Limit, l.MaxQuota)
	}
	return nil
}

// Interval is the GCRA emission interval: one request every Window/Limit.
func (r RateLimit) Interval() time.Duration { return r.Window / time.Duration(r.Limit) }

// Tolerance is how far ahead of now the theoretical arrival time may run:
// Burst-1 intervals, so Burst requests may come at once.
func (r RateLimit) Tolerance() time.Duration { return time.Duration(r.Burst-1) * r.Interval() }

// String writes the rate as "<limit>/<seconds>s burst <burst>".
func (r RateLimit) String() string {
	return fmt.Sprintf("%d/%ds burst %d", r.Limit, int64(r.Window/time.Second), r.Burst)
}

// PeriodKey names the period of t: "2026-12-01" for a day, "2026-12" for a
// month (UTC).
func (q Quota) PeriodKey(t time.Time) string {
	if q.Period == QuotaMonth {
		return t.UTC().Format("2006-01")
	}
	return t.UTC().Format("2006-01-02")
}

// ResetsAt is the start of the period after the one holding t (UTC).
func (q Quota) ResetsAt(t time.Time) time.Time {
	t = t.UTC()
	if q.Period == QuotaMonth {
		return time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, time.UTC)
	}
	return time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, time.UTC)
}

// UsedAt is the quota used in the period of now (0 for a later period).
func (q Quota) UsedAt(s QuotaState, now time.Time) int64 {
	if s.Period != q.PeriodKey(now) {
		return 0
	}
	return s.Used
}

// LimitSettings are the deployment's limit settings as text (the template
// parameters MaxRateLimit, MaxBurst, MaxQuota, DefaultRateLimit and
// DefaultQuota, passed to the functions as environment variables); an empty
// one takes DefaultLimits' value, or no default.
type LimitSettings struct {
	MaxRatePerSecond, MaxBurst, MaxQuota string
	// DefaultRate is "<limit>/<window>" with an optional ":<burst>"
	// (default burst = limit), e.g. "100/s:200"; DefaultQuota
	// "<limit>/day" or "<limit>/month".
	DefaultRate, DefaultQuota string
}

// Parse checks the settings and returns the Limits they describe.
func (s LimitSettings) Parse() (Limits, error) {
	l := DefaultLimits
	if v := strings.TrimSpace(s.MaxRatePerSecond); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f <= 0 {
			return Limits{}, fmt.Errorf("MaxRateLimit %q: want requests per second above 0", v)
		}
		l.MaxRatePerSecond = f
	}
	for _, x := range []struct {
		name, v string
		dst     *int64
	}{{"MaxBurst", s.MaxBurst, &l.MaxBurst}, {"MaxQuota", s.MaxQuota, &l.MaxQuota}} {
		if v := strings.TrimSpace(x.v); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				return Limits{}, fmt.Errorf("%s %q: want a whole number above 0", x.name, v)
			}
			*x.dst = n
		}
	}
	if v := strings.TrimSpace(s.DefaultRate); v != "" {
		rate, burstText, hasBurst := strings.Cut(v, ":")
		limit, window, err := ParseRate(rate)
		if err != nil {
			return Limits{}, fmt.Errorf("DefaultRateLimit: %s", apperr.MessageOf(err))
		}
		r := RateLimit{Limit: limit, Window: window, Burst: limit}
		if hasBurst {
			if r.Burst, err = strconv.ParseInt(burstText, 10, 64); err != nil {
				return Limits{}, fmt.Errorf("DefaultRateLimit %q: the burst after ':' must be a whole number", v)
			}
		}
		if err := l.CheckRateLimit(r); err != nil {
			return Limits{}, fmt.Errorf("DefaultRateLimit: %s", apperr.MessageOf(err))
		}
		l.DefaultRate = &r
	}
	if v := strings.TrimSpace(s.DefaultQuota); v != "" {
		q, err := ParseQuota(v)
		if err == nil {
			err = l.CheckQuota(q)
		}
		if err != nil {
			return Limits{}, fmt.Errorf("DefaultQuota: %s", apperr.MessageOf(err))
		}
		l.DefaultQuota = &q
	}
	return l, nil
}
