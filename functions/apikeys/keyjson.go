package apikeys

import (
	"keygate/shared/apperr"
	"keygate/shared/keys"
	"time"
)

// timeFormat is keys.TimeFormat: RFC 3339 in UTC with milliseconds.
const timeFormat = keys.TimeFormat

// keyJSON is a key as clients see it: never the token, never the hash.
type keyJSON struct {
	ID         string       `json:"id"`
	Name       string       `json:"name"`
	Start      string       `json:"start"`
	Scopes     []keys.Scope `json:"scopes"`
	CreatedAt  string       `json:"createdAt"`
	ExpiresAt  *string      `json:"expiresAt"`
	LastUsedAt *string      `json:"lastUsedAt"`
	UsageCount int64        `json:"usageCount"`
	// AllowedCIDRs is null for a key usable from any address.
	AllowedCIDRs []string       `json:"allowedCidrs"`
	RateLimit    *rateLimitJSON `json:"rateLimit"`
	Quota        *quotaJSON     `json:"quota"`
}

// createdKeyJSON is the answer of create and rotate: the only time the token
// is shown.
type createdKeyJSON struct {
	keyJSON
	APIKey string `json:"apiKey"`
}

// listJSON is a page of keys.
type listJSON struct {
	Items      []keyJSON `json:"items"`
	NextCursor *string   `json:"nextCursor"`
}

func toCreatedJSON(i keys.Issued, now time.Time) createdKeyJSON {
	return createdKeyJSON{keyJSON: toKeyJSON(i.Key, now), APIKey: i.Token}
}

// maxGraceSeconds is keys.MaxGracePeriod in the API's unit.
const maxGraceSeconds = int64(keys.MaxGracePeriod / time.Second)

// parseTime reads an RFC 3339 date-time field.
func parseTime(field, s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, apperr.Errorf(apperr.BadRequest, "%s must be an RFC 3339 date-time such as 2030-01-02T15:04:05Z", field)
	}
	return t, nil
}

func toKeyJSON(k keys.Key, now time.Time) keyJSON {
	scopes := k.Scopes
	if scopes == nil {
		scopes = []keys.Scope{}
	}
	return keyJSON{
		ID:           k.ID,
		Name:         k.Name,
		Start:        k.Start,
		Scopes:       scopes,
		CreatedAt:    formatTime(k.CreatedAt),
		ExpiresAt:    formatTimePtr(k.ExpiresAt),
		LastUsedAt:   formatTimePtr(k.LastUsedAt),
		UsageCount:   k.UsageCount,
		AllowedCIDRs: keys.FormatCIDRs(k.AllowedCIDRs),
		RateLimit:    toRateJSON(k.RateLimit),
		Quota:        toQuotaJSON(k.Quota, k.QuotaState, now),
	}
}

func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func formatTimePtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := formatTime(*t)
	return &s
}
