package keys

import (
	"fmt"
	"log/slog"
	"slices"
	"time"

	"keygate/shared/apikey"
)

// Service runs the use cases that read and change keys. Build it once with
// NewService; it is safe for concurrent use.
type Service struct {
	store   Store
	audit   AuditStore
	cfg     Config
	cursors cursorSealer
}

// Config configures a Service.
type Config struct {
	// KeyPrefix starts every token (default apikey.DefaultPrefix).
	KeyPrefix string
	// Now is the clock (default time.Now); tests inject one.
	Now func() time.Time
	// CursorKey authenticates list cursors, so a cursor changed by a client
	// is refused (at least 32 bytes; see cursor.go).
	CursorKey []byte
	// ReflushAfter, when above 0, is how long after the first authorizer
	// cache flush a revocation flushes again (see Revoke).
	ReflushAfter time.Duration
	// Logger receives the flush failures (nil: slog.Default()).
	Logger *slog.Logger
	// AuditRetention is how long audit events are kept (0: forever).
	AuditRetention time.Duration
	// Limits cap the rate limits and quotas keys may carry and give the
	// defaults of keys created without one (zero: DefaultLimits).
	Limits Limits
	// APIScopes are the scopes of the team's API document (apidoc): a key
	// may hold keygate's own scopes and these, no other. One that is
	// keygate's own (a document may require write) is keygate's.
	APIScopes []Scope
	// TokenLimits are the limits access tokens share per user: they bound
	// what a token may give the keys it makes.
	TokenLimits TokenLimits
}

// DefaultAuditRetention is the template's AuditRetentionDays default.
const DefaultAuditRetention = 90 * 24 * time.Hour

// NewService returns a Service on st.
func NewService(st Store, cfg Config) (*Service, error) {
	if cfg.KeyPrefix == "" {
		cfg.KeyPrefix = apikey.DefaultPrefix
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Limits.MaxRatePerSecond == 0 && cfg.Limits.MaxBurst == 0 && cfg.Limits.MaxQuota == 0 {
		d := DefaultLimits
		d.DefaultRate, d.DefaultQuota = cfg.Limits.DefaultRate, cfg.Limits.DefaultQuota
		cfg.Limits = d
	}
	// A document may require keygate's own scopes (spec 002's API keys
	// are read, write, admin, webhook): those are not the API's own.
	var api []Scope
	for _, sc := range cfg.APIScopes {
		if !WellFormedScope(string(sc)) {
			return nil, fmt.Errorf("keys: the API document's scope %q is malformed", sc)
		}
		if !sc.Valid() && !slices.Contains(api, sc) {
			api = append(api, sc)
		}
	}
	slices.Sort(api)
	cfg.APIScopes = api
	sealer, err := newCursorSealer(cfg.CursorKey)
	if err != nil {
		return nil, err
	}
	svc := &Service{store: st, cfg: cfg, cursors: sealer}
	if a, ok := st.(AuditStore); ok {
		svc.audit = a
	}
	return svc, nil
}

// Now is the service's current time at the precision times are stored.
func (s *Service) Now() time.Time { return s.cfg.Now().UTC().Truncate(TimePrecision) }
