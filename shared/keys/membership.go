package keys

import (
	"context"
	"time"

	"keygate/shared/apperr"
)

// ReasonOperatorOnly: memberships are changed by operators (the admin CLI),
// never by an API key.
const ReasonOperatorOnly Reason = "OPERATOR_ONLY"

// membershipAttempts bounds how often a membership change is read and
// written again when a concurrent change beat it (each write is
// conditioned on what was read, so its event says exactly what changed).
const membershipAttempts = 3

// MembershipStore reads memberships and writes each change together with
// its audit event, in one transaction; shared/store implements it.
type MembershipStore interface {
	// GetMembership returns the membership or NotFound.
	GetMembership(ctx context.Context, userID, workspaceID string) (Membership, error)
	// AddMembership writes a new membership: NotFound when the user or the
	// workspace does not exist, Conflict when it exists already.
	AddMembership(ctx context.Context, m Membership, ev *Event) error
	// ChangeRole changes an existing membership's role from from to m.Role:
	// NotFound when it is gone, Conflict when its role is no longer from.
	ChangeRole(ctx context.Context, m Membership, from Role, ev *Event) error
	// RemoveMembership deletes the membership while its role is m.Role:
	// NotFound when it is gone, Conflict when its role changed.
	RemoveMembership(ctx context.Context, m Membership, ev *Event) error
}

// MembershipConfig configures Memberships.
type MembershipConfig struct {
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// AuditRetention is how long the audit events are kept (0: forever).
	AuditRetention time.Duration
}

// Memberships is the use cases that change who belongs to a workspace:
// every change writes one audit event (membership.added, .updated or
// .removed) to the member's log, in the same transaction as the change.
type Memberships struct {
	store MembershipStore
	cfg   MembershipConfig
}

// NewMemberships returns the membership use cases on st.
func NewMemberships(st MembershipStore, cfg MembershipConfig) *Memberships {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Memberships{store: st, cfg: cfg}
}

// operatorOnly checks that c is an operator acting for a valid user, and
// the workspace id.
func operatorOnly(c Caller, workspaceID string) error {
	if err := CheckID("user", c.UserID); err != nil {
		return err
	}
	if err := CheckID("workspace", workspaceID); err != nil {
		return err
	}
	if c.Operator == "" || c.KeyID != "" {
		return apperr.ForbiddenBecause(string(ReasonOperatorOnly))
	}
	return nil
}

// Put gives the caller's user (c.UserID) role in workspaceID: a new
// membership writes membership.added, a changed role membership.updated
// with {"role":{"from","to"}}; the same role again is no write and no
// event. It returns the membership as it now stands and whether it
// changed. The user and the workspace must exist.
func (ms *Memberships) Put(ctx context.Context, c Caller, workspaceID string, role Role) (Membership, bool, error) {
	if err := operatorOnly(c, workspaceID); err != nil {
		return Membership{}, false, err
	}
	if _, err := ParseRole(string(role)); err != nil {
		return Membership{}, false, err
	}
	for range membershipAttempts {
		now := ms.cfg.Now().UTC().Truncate(TimePrecision)
		want := Membership{UserID: c.UserID, WorkspaceID: workspaceID, Role: role, CreatedAt: now}
		old, err := ms.store.GetMembership(ctx, c.UserID, workspaceID)
		switch {
		case apperr.Is(err, apperr.NotFound):
			ev := NewEvent(c, EventMembershipAdded, "", map[string]any{"workspaceId": workspaceID, "role": string(role)}, now, ms.cfg.AuditRetention)
			err = ms.store.AddMembership(ctx, want, ev)
		case err != nil:
			return Membership{}, false, err
		case old.Role == role:
			return old, false, nil
		default:
			want.CreatedAt = old.CreatedAt
			ev := NewEvent(c, EventMembershipUpdated, "", map[string]any{"workspaceId": workspaceID,
				"role": map[string]any{"from": string(old.Role), "to": string(role)}}, now, ms.cfg.AuditRetention)
			err = ms.store.ChangeRole(ctx, want, old.Role, ev)
		}
		if !apperr.Is(err, apperr.Conflict) {
			return want, err == nil, err
		}
	}
	return Membership{}, false, apperr.Errorf(apperr.Conflict, "membership of %s in %s changed concurrently: try again", c.UserID, workspaceID)
}

// Remove takes the caller's user (c.UserID) out of workspaceID, writing
// membership.removed with the role they had; NotFound when they were not a
// member. It returns the membership removed.
func (ms *Memberships) Remove(ctx context.Context, c Caller, workspaceID string) (Membership, error) {
	if err := operatorOnly(c, workspaceID); err != nil {
		return Membership{}, err
	}
	for range membershipAttempts {
		old, err := ms.store.GetMembership(ctx, c.UserID, workspaceID)
		if err != nil {
			return Membership{}, err
		}
		ev := NewEvent(c, EventMembershipRemoved, "", map[string]any{"workspaceId": workspaceID, "role": string(old.Role)},
			ms.cfg.Now(), ms.cfg.AuditRetention)
		err = ms.store.RemoveMembership(ctx, old, ev)
		if !apperr.Is(err, apperr.Conflict) {
			return old, err
		}
	}
	return Membership{}, apperr.Errorf(apperr.Conflict, "membership of %s in %s changed concurrently: try again", c.UserID, workspaceID)
}
