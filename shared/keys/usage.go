package keys

import (
	"context"
	"time"

	"keygate/shared/apperr"
)

// Granularity is the length of a usage bucket.
type Granularity string

// The granularities of GET /open/apikeys/{keyId}/usage.
const (
	Hourly Granularity = "hour"
	Daily  Granularity = "day"
)

// length is how long a bucket of g is.
func (g Granularity) length() time.Duration {
	if g == Hourly {
		return time.Hour
	}
	return 24 * time.Hour
}

// UsageBucket is the uses of a key counted in one hour or day (UTC),
// from Start.
type UsageBucket struct {
	Start time.Time
	Count int64
}

// UsageQuery asks for a key's buckets of Granularity whose start is in
// [From, To]; zero times take the defaults (DefaultUsageSpan up to now).
type UsageQuery struct {
	Granularity Granularity
	From, To    time.Time
}

// Usage is a key's usage over a span, every bucket of it present (0 for
// hours or days without uses).
type Usage struct {
	KeyID       string
	Granularity Granularity
	Buckets     []UsageBucket
}

// DefaultUsageSpan is how far back a usage query reaches when From is not
// given: the page's charts, 48 hours and 90 days.
func DefaultUsageSpan(g Granularity) time.Duration {
	if g == Hourly {
		return 48 * time.Hour
	}
	return 90 * 24 * time.Hour
}

// maxUsageBuckets bounds one query: 31 days of hours, 400 days.
var maxUsageBuckets = map[Granularity]int{Hourly: 31 * 24, Daily: 400}

// Usage returns one of the caller's keys' usage over q, counted from the
// table's stream (the aggregator's lag behind the key's usageCount is
// seconds).
func (s *Service) Usage(ctx context.Context, c Caller, keyID string, q UsageQuery) (Usage, error) {
	if q.Granularity != Hourly && q.Granularity != Daily {
		return Usage{}, apperr.Errorf(apperr.BadRequest, "granularity must be hour or day")
	}
	length := q.Granularity.length()
	to := q.To
	if to.IsZero() {
		to = s.Now()
	}
	from := q.From
	if from.IsZero() {
		from = to.Add(-DefaultUsageSpan(q.Granularity) + length)
	}
	from, to = from.UTC().Truncate(length), to.UTC().Truncate(length)
	switch {
	case from.Year() < 2000 || to.Year() > 9999:
		return Usage{}, apperr.Errorf(apperr.BadRequest, "from and to must be between the years 2000 and 9999 (UTC)")
	case from.After(to):
		return Usage{}, apperr.Errorf(apperr.BadRequest, "from must not be after to")
	case int(to.Sub(from)/length)+1 > maxUsageBuckets[q.Granularity]:
		return Usage{}, apperr.Errorf(apperr.BadRequest, "at most %d buckets of a %s at once", maxUsageBuckets[q.Granularity], q.Granularity)
	}
	k, err := s.Get(ctx, c, keyID)
	if err != nil {
		return Usage{}, err
	}
	stored, err := s.store.UsageBuckets(ctx, k.ID, q.Granularity, from, to)
	if err != nil {
		return Usage{}, err
	}
	counts := make(map[time.Time]int64, len(stored))
	for _, b := range stored {
		counts[b.Start.UTC()] = b.Count
	}
	u := Usage{KeyID: k.ID, Granularity: q.Granularity}
	for t := from; !t.After(to); t = t.Add(length) {
		u.Buckets = append(u.Buckets, UsageBucket{Start: t, Count: counts[t]})
	}
	return u, nil
}
