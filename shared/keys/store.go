package keys

import (
	"context"
	"net/netip"
	"time"
)

// KeyChanges are the attributes an update sets; nil or false leaves one as
// it is.
type KeyChanges struct {
	Name *string
	// SetAllowedCIDRs replaces the allowlist with AllowedCIDRs (nil: none).
	SetAllowedCIDRs bool
	AllowedCIDRs    []netip.Prefix
	// SetRateLimit and SetQuota replace the rate limit or the quota (nil:
	// none). A new rate limit keeps its state, and a new quota its used
	// count: removing a limit and setting it again never refills it.
	SetRateLimit bool
	RateLimit    *RateLimit
	SetQuota     bool
	Quota        *Quota
	// QuotaPeriod, when set with a quota of another period, moves the
	// count of the current period (From, the old quota's PeriodKey) to the
	// new one's (To): changing a quota's period never resets its count.
	QuotaPeriod *PeriodMove
	// RateState, when set with a new rate limit, rescales the requests the
	// old limit still owes to the new interval, so a new limit never
	// refills a burst.
	RateState *RateMove
	// Lanes, when set, gives the key that many lanes (0 or 1: none):
	// Key.Lanes.
	Lanes *int
}

// PeriodMove renames the period a quota's used count belongs to.
type PeriodMove struct{ From, To string }

// RateMove rescales a rate limit's outstanding requests to a new limit:
// the state at From (the arrival time as read) becomes To, and the next
// admission AllowAt. The change applies only while the state is still From.
type RateMove struct{ From, To, AllowAt time.Time }

// Store is what the use cases need of storage; shared/store implements it
// on DynamoDB. Each write is one transaction that also writes its audit
// event ev (nil only for data seeded outside the use cases: local demo
// data, tests), so a change and its event exist together or not at all.
// Not found is an apperr NotFound error.
type Store interface {
	// CreateKey writes a new key for an existing, enabled user.
	CreateKey(ctx context.Context, k Key, ev *Event) error
	// GetKey reads one of the user's keys (another user's is NotFound).
	GetKey(ctx context.Context, userID, keyID string) (Key, error)
	// UpdateKey applies ch to one of the user's keys and returns it.
	UpdateKey(ctx context.Context, userID, keyID string, ch KeyChanges, ev *Event) (Key, error)
	// DeleteKey deletes one of the user's keys.
	DeleteKey(ctx context.Context, userID, keyID string, ev *Event) error
	// RotateKey writes next and deletes the old key (oldExpiresAt nil) or
	// lets it expire at oldExpiresAt.
	RotateKey(ctx context.Context, userID, oldKeyID string, next Key, oldExpiresAt *time.Time, events ...*Event) error
	// ListKeys reads a page of the user's keys, newest first; the cursor is
	// the store's own position ("" for the first page and after the last).
	ListKeys(ctx context.Context, userID string, limit int, cursor string) ([]Key, string, error)
	// SetLanes gives one of the user's keys n lanes (0 or 1: none),
	// folding back the lanes it has first, and returns it.
	SetLanes(ctx context.Context, userID, keyID string, n int, ev *Event) (Key, error)
	// ChangeLaned runs change with the key's lanes folded back and its
	// lane lock held, then spreads it over the lanes change returns.
	ChangeLaned(ctx context.Context, userID, keyID string, change func(ctx context.Context) (lanes int, ev *Event, err error)) (Key, error)
	// UsageBuckets reads the key's usage buckets of g starting in [from,
	// to], as the usage aggregator wrote them (missing: no uses).
	UsageBuckets(ctx context.Context, keyID string, g Granularity, from, to time.Time) ([]UsageBucket, error)
	// CurrentDraws maps each id of a key's draws to the key that holds
	// that budget now, following rotations (replacedBy).
	CurrentDraws(ctx context.Context, ids []string) ([]string, error)
}

// VerifyStore is what Verify needs of storage: the key check with its usage
// count in one conditional write, and the user's profile and memberships in
// one read.
type VerifyStore interface {
	Verify(ctx context.Context, keyID, hash string, now time.Time) (Verification, error)
	// DrawLineage takes an admitted use (v, VerifyValid) from the limits
	// of every key v.Key draws on, and returns the verification as it
	// stands then: still valid, or refused by an ancestor's limit with
	// the key's own count given back.
	DrawLineage(ctx context.Context, v Verification, now time.Time) (Verification, error)
	Principal(ctx context.Context, userID string) (Principal, error)
	// PrincipalFor reads the profile and the membership of workspaceID
	// only ("" or an invalid id: none), in one call of at most two items.
	PrincipalFor(ctx context.Context, userID, workspaceID string) (Principal, error)
	// VerifyTokenUse counts one access-token use of userID against lim on
	// the user's token-use item (TokenUseID), creating it with lim when
	// it does not exist and rewriting it when its limits are not lim.
	VerifyTokenUse(ctx context.Context, userID string, lim TokenLimits, now time.Time) (Verification, error)
}
