package keys

import "time"

// View is a key as every transport shows it: the API's answers, the admin
// CLI's --json (which adds the key's userId) and, for the attributes a
// change sets, the audit log's key events. Its JSON is the documented key
// shape (docs/api.md): camelCase names in this order, absent optional
// values null, times in TimeFormat. It never holds the token or the hash:
// the token is shown by IssuedView only.
type View struct {
	ID        string  `json:"id"`
	Name      string  `json:"name"`
	Start     string  `json:"start"`
	Scopes    []Scope `json:"scopes"`
	CreatedAt string  `json:"createdAt"`
	// ExpiresAt and LastUsedAt are null for a key that never expires and
	// one never used.
	ExpiresAt  *string `json:"expiresAt"`
	LastUsedAt *string `json:"lastUsedAt"`
	UsageCount int64   `json:"usageCount"`
	// AllowedCIDRs is null for a key usable from any address.
	AllowedCIDRs []string       `json:"allowedCidrs"`
	RateLimit    *RateLimitView `json:"rateLimit"`
	Quota        *QuotaView     `json:"quota"`
	// Lanes is set (2 or more) for a hot key whose uses are spread over
	// that many items (Key.Lanes).
	Lanes int `json:"lanes,omitempty"`
}

// RateLimitView is a key's rate limit: limit requests per windowSeconds,
// bursts of up to burst at once.
type RateLimitView struct {
	Limit         int64 `json:"limit"`
	WindowSeconds int64 `json:"windowSeconds"`
	Burst         int64 `json:"burst"`
}

// QuotaSettingView is a key's quota as set: what create and PATCH accept
// and what the audit log records.
type QuotaSettingView struct {
	Limit  int64       `json:"limit"`
	Period QuotaPeriod `json:"period"`
}

// QuotaView is a key's quota as clients see it: the setting, how much of
// it is used in the current period, and when that period ends.
type QuotaView struct {
	QuotaSettingView
	Used     int64  `json:"used"`
	ResetsAt string `json:"resetsAt"`
}

// IssuedView is the answer of a create or a rotation: the key and, this
// once, its token.
type IssuedView struct {
	View
	APIKey string `json:"apiKey"`
}

// View is k as every transport shows it at now (the quota's use and reset
// depend on it).
func (k Key) View(now time.Time) View {
	scopes := k.Scopes
	if scopes == nil {
		scopes = []Scope{}
	}
	v := View{
		ID: k.ID, Name: k.Name, Start: k.Start, Scopes: scopes,
		CreatedAt: FormatTime(k.CreatedAt), ExpiresAt: formatTimePtr(k.ExpiresAt), LastUsedAt: formatTimePtr(k.LastUsedAt),
		UsageCount: k.UsageCount, AllowedCIDRs: FormatCIDRs(k.AllowedCIDRs), RateLimit: rateView(k.RateLimit),
		Lanes: k.Lanes,
	}
	if k.Quota != nil {
		v.Quota = &QuotaView{QuotaSettingView: *quotaSetting(k.Quota), Used: k.Quota.UsedAt(k.QuotaState, now),
			ResetsAt: FormatTime(k.Quota.ResetsAt(now))}
	}
	return v
}

// View is the issued key as its create or rotation answers it at now.
func (i Issued) View(now time.Time) IssuedView {
	return IssuedView{View: i.Key.View(now), APIKey: i.Token}
}

// FormatTime writes t as the API and the CLI do: TimeFormat, in UTC.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeFormat) }

// formatTimePtr is FormatTime, or nil (JSON null) for no time.
func formatTimePtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := FormatTime(*t)
	return &s
}

func rateView(r *RateLimit) *RateLimitView {
	if r == nil {
		return nil
	}
	return &RateLimitView{Limit: r.Limit, WindowSeconds: int64(r.Window / time.Second), Burst: r.Burst}
}

func quotaSetting(q *Quota) *QuotaSettingView {
	if q == nil {
		return nil
	}
	return &QuotaSettingView{Limit: q.Limit, Period: q.Period}
}
