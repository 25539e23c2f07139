package apikeys

import (
	"time"

	"keygate/shared/apperr"
	"keygate/shared/keys"
)

// rateLimitRequest and quotaRequest are the limits clients send; every
// field is required (a burst is not guessed).
type rateLimitRequest struct {
	Limit         *int64 `json:"limit"`
	WindowSeconds *int64 `json:"windowSeconds"`
	Burst         *int64 `json:"burst"`
}

type quotaRequest struct {
	Limit  *int64  `json:"limit"`
	Period *string `json:"period"`
}

func (r rateLimitRequest) toDomain() (keys.RateLimit, error) {
	if r.Limit == nil || r.WindowSeconds == nil || r.Burst == nil {
		return keys.RateLimit{}, apperr.Errorf(apperr.BadRequest, "rateLimit needs limit, windowSeconds and burst")
	}
	if *r.WindowSeconds < 1 || *r.WindowSeconds > 86400 {
		return keys.RateLimit{}, apperr.Errorf(apperr.BadRequest, "rateLimit.windowSeconds must be a whole number from 1 to 86400")
	}
	return keys.RateLimit{Limit: *r.Limit, Window: time.Duration(*r.WindowSeconds) * time.Second, Burst: *r.Burst}, nil
}

func (q quotaRequest) toDomain() (keys.Quota, error) {
	if q.Limit == nil || q.Period == nil {
		return keys.Quota{}, apperr.Errorf(apperr.BadRequest, "quota needs limit and period")
	}
	return keys.Quota{Limit: *q.Limit, Period: keys.QuotaPeriod(*q.Period)}, nil
}
