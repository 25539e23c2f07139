package keys

import (
	"context"
	"sync"
	"time"
)

// maxRecentPrincipals bounds the memory of recentPrincipals: past it, it
// starts over.
const maxRecentPrincipals = 10_000

// recentPrincipals keeps, for LaneRefresh, the principals read for the
// verifications of laned keys. A hot key's user would otherwise be read on
// every request, and one item serves at most 3,000 strongly consistent
// reads a second: the user's item would be the next ceiling. A key without
// lanes never uses it, so a change to its user is seen by its next request.
type recentPrincipals struct {
	mu      sync.Mutex
	entries map[principalQuery]recentPrincipal
}

// principalQuery is one read of a principal: every membership, or (Narrow)
// the one of workspace.
type principalQuery struct {
	userID, workspace string
	narrow            bool
}

type recentPrincipal struct {
	p    Principal
	read time.Time
}

// read reads the principal of q from st.
func (q principalQuery) read(ctx context.Context, st VerifyStore) (Principal, error) {
	if q.narrow {
		return st.PrincipalFor(ctx, q.userID, q.workspace)
	}
	return st.Principal(ctx, q.userID)
}

// get returns the principal of q read within LaneRefresh, or reads it.
func (r *recentPrincipals) get(ctx context.Context, q principalQuery, st VerifyStore) (Principal, error) {
	now := time.Now()
	r.mu.Lock()
	e, ok := r.entries[q]
	r.mu.Unlock()
	if ok && now.Sub(e.read) < LaneRefresh && !now.Before(e.read) {
		return e.p, nil
	}
	p, err := q.read(ctx, st)
	if err != nil {
		return p, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.entries == nil || len(r.entries) >= maxRecentPrincipals {
		r.entries = make(map[principalQuery]recentPrincipal)
	}
	r.entries[q] = recentPrincipal{p: p, read: now}
	return p, nil
}
