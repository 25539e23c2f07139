package access

import (
	"cmp"
	"errors"
	"keygate/shared/keys"
	"keygate/shared/routes"
	"math/bits"
	"slices"
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// userResources are the resources of the route table's user routes, each
// with the scope it needs; the policy names those the key's scopes hold.
var userResources = routes.UserResources()

// The parts of the workspace resources, after "<base>/<METHOD>".
const (
	pathWorkspace   = routes.WorkspacePrefix
	pathAllChildren = "/*"
	methodAll       = "*"
	methodGET       = "GET"
	policyVersion   = "2012-10-17"
	actionInvoke    = "execute-api:Invoke"
)

// ErrGrant is returned by Allow when the user or key id is not a valid id:
// stored data that cannot be trusted, never answered with Allow.
var ErrGrant = errors.New("access: invalid user or key id in grant")

// Mode tells how an Allow policy names the caller's workspaces.
type Mode int

// The policy modes, from the normal one to the size fallbacks.
const (
	// ModeExact names <base>/<M>/open/workspace/<id> and .../<id>/* for
	// each workspace. The context lists every workspace.
	ModeExact Mode = iota
	// ModeWorkspaceWildcard is used when ModeExact would exceed SizeBudget:
	// one resource <base>/<M>/open/workspace/* with M "*" if any membership
	// allows writing, else "GET" (none if no membership allows anything).
	// The context still lists every workspace with its role; functions
	// must check it (Identity.RoleIn) before serving a workspace.
	ModeWorkspaceWildcard
	// ModeOverflow is ModeWorkspaceWildcard for users whose workspace list
	// does not fit the context either: the list is left out and
	// workspacesOverflow is "true"; functions look the membership up in the
	// store.
	ModeOverflow
	// ModeRequest is the cache-off mode (Grant.Partial): the grant holds
	// the membership of the workspace the request names, or none, and the
	// policy and the context name that one (ModeExact's resources); a
	// request that names no workspace gets workspacesOverflow, so functions
	// that list workspaces look them up.
	ModeRequest
)

// String names the mode for logs.
func (m Mode) String() string {
	switch m {
	case ModeExact:
		return "exact"
	case ModeWorkspaceWildcard:
		return "workspaceWildcard"
	case ModeOverflow:
		return "overflow"
	case ModeRequest:
		return "request"
	}
	return "unknown"
}

// Grant is what a verified key may do: its user, its id, its scopes and the
// user's memberships.
type Grant struct {
	UserID      string
	KeyID       string
	Scopes      []keys.Scope
	Memberships []keys.Membership
	// UsageKey is the API Gateway API key value whose usage plan answers
	// the request (the open plan, or the throttled or exhausted one that
	// answer 429); "" sends none.
	UsageKey string
	// RateLimitPolicy and RateLimit describe the key's limits for the
	// functions' RateLimit-Policy and RateLimit headers (RateLimitHeaders);
	// "" when the key has none.
	RateLimitPolicy, RateLimit string
	// Asserter, when set, signs the identity assertion put in the context
	// under KeyAssertion, with the workspaces the context lists.
	Asserter Asserter
	// Token is set when the caller presented an access token
	// (KeyCredential).
	Token bool
	// Partial is set when Memberships are not all of the user's but the
	// one the request names, or none (the cache off: ModeRequest).
	Partial bool
}

// Asserter signs an identity assertion for the workspaces an Allow's
// context lists (none, with overflow). Allow asks for the length of each
// candidate before it chooses a policy mode, then signs once; it passes the
// same list every time.
type Asserter interface {
	AssertionLen(ws []WorkspaceRole, overflow bool) int
	Assert(ws []WorkspaceRole, overflow bool) (string, error)
}

// Result is an Allow response and how it was built.
type Result struct {
	Response events.APIGatewayCustomAuthorizerResponse
	Mode     Mode
	// Skipped counts memberships left out of the policy and the context:
	// an id that is not keys.ValidID, an unknown role, or a duplicate.
	Skipped int
	// size is the length of Response's JSON as the sizer computed it to
	// choose Mode (tests compare it with json.Marshal).
	size int
}

// workspaceGrant is one membership with the method its policy resources get
// ("" when the key's scopes allow nothing in it).
type workspaceGrant struct {
	id     string
	role   keys.Role
	method string
}

// Allow returns the Allow response for g on the API stage base (from
// ParseMethodARN). The policy depends only on base and g, never on the
// incoming route, so API Gateway may cache it for every route.
func Allow(base string, g Grant) (Result, error) {
	if !keys.ValidID(g.UserID) || !keys.ValidID(g.KeyID) {
		return Result{}, ErrGrant
	}
	held := scopeSet(g.Scopes)
	read, write := held.has(keys.ScopeRead), held.has(keys.ScopeWrite)
	ws, skipped := workspaceGrants(g.Memberships, read, write)
	scopes := contextScopes(held, g.Scopes)
	wsList := workspacesLen(ws)

	// Size of each mode, exactly as json.Marshal will write it. The
	// resources are sized from the same parts buildResources writes.
	user := newSizer(g.UserID)
	for _, r := range userResources {
		if held.has(r.Scope) {
			user.resource(base, r.Method, r.Path, "", "")
		}
	}
	user.entry(KeyUserID, len(g.UserID))
	user.entry(KeyKeyID, len(g.KeyID))
	user.entry(KeyScopes, len(scopes))
	if g.Token {
		user.entry(KeyCredential, len(CredentialToken))
	}
	if g.RateLimitPolicy != "" {
		user.entry(KeyRateLimitPolicy, len(g.RateLimitPolicy))
		user.entry(KeyRateLimit, len(g.RateLimit))
	}
	if g.UsageKey != "" {
		user.n += len(`,"usageIdentifierKey":""`) + len(g.UsageKey)
	}

	var asserted []WorkspaceRole
	listAssertion, overflowAssertion := 0, 0
	if g.Asserter != nil {
		asserted = make([]WorkspaceRole, len(ws))
		for i, w := range ws {
			asserted[i] = WorkspaceRole{WorkspaceID: w.id, Role: w.role}
		}
		listAssertion = g.Asserter.AssertionLen(asserted, false)
	}

	exact := user
	exact.entry(KeyWorkspaces, wsList)
	if g.Asserter != nil {
		exact.entry(KeyAssertion, listAssertion)
	}
	for _, w := range ws {
		if w.method != "" {
			exact.resource(base, w.method, pathWorkspace, w.id, "")
			exact.resource(base, w.method, pathWorkspace, w.id, pathAllChildren)
		}
	}
	mode, chosen := ModeExact, exact
	wildMethod := ""
	if exact.n > SizeBudget {
		wildMethod = wildcardMethod(ws)
		wildcard := user
		if wildMethod != "" {
			wildcard.resource(base, wildMethod, pathWorkspace, "*", "")
		}
		mode, chosen = ModeWorkspaceWildcard, wildcard
		chosen.entry(KeyWorkspaces, wsList)
		if g.Asserter != nil {
			chosen.entry(KeyAssertion, listAssertion)
		}
		// ModeOverflow names the same resources and swaps the list for
		// the few bytes of workspacesOverflow and an empty list (kept, so
		// that a header mapped from it is always set), so it always fits.
		if chosen.n > SizeBudget {
			mode, chosen = ModeOverflow, wildcard
			chosen.entry(KeyWorkspaces, 0)
			chosen.entry(KeyWorkspacesOverflow, len(overflowTrue))
			if g.Asserter != nil {
				overflowAssertion = g.Asserter.AssertionLen(nil, true)
				chosen.entry(KeyAssertion, overflowAssertion)
			}
		}
	}

	overflow := mode == ModeOverflow
	if g.Partial {
		// A cache-off answer serves this request only, and names only
		// what it does: at most one workspace, which always fits.
		mode, chosen = ModeRequest, exact
		if len(ws) == 0 {
			overflow = true
			chosen = user
			chosen.entry(KeyWorkspaces, 0)
			chosen.entry(KeyWorkspacesOverflow, len(overflowTrue))
			if g.Asserter != nil {
				chosen.entry(KeyAssertion, g.Asserter.AssertionLen(nil, true))
			}
		}
	}
	resources := buildResources(base, held, ws, mode, wildMethod, chosen.resources, chosen.chars)
	ctx := make(map[string]interface{}, 4)
	ctx[KeyUserID] = g.UserID
	ctx[KeyKeyID] = g.KeyID
	ctx[KeyScopes] = scopes
	if g.Token {
		ctx[KeyCredential] = CredentialToken
	}
	if g.RateLimitPolicy != "" {
		ctx[KeyRateLimitPolicy], ctx[KeyRateLimit] = g.RateLimitPolicy, g.RateLimit
	}
	if overflow {
		ctx[KeyWorkspacesOverflow] = overflowTrue
		ctx[KeyWorkspaces] = ""
	} else {
		ctx[KeyWorkspaces] = joinWorkspaces(ws, wsList)
	}
	if g.Asserter != nil {
		a, err := g.Asserter.Assert(asserted, overflow)
		if err != nil {
			return Result{}, err
		}
		ctx[KeyAssertion] = a
	}
	return Result{
		Response: allowResponse(g.UserID, resources, ctx, g.UsageKey),
		Mode:     mode,
		Skipped:  skipped,
		size:     chosen.n,
	}, nil
}

// heldScopes are the known scopes a key holds: bit i is keys.AllScopes[i].
type heldScopes uint8

// scopeBit is the bit of s in heldScopes (0 for an unknown scope).
func scopeBit(s keys.Scope) heldScopes {
	for i, k := range keys.AllScopes {
		if k == s {
			return 1 << i
		}
	}
	return 0
}

// has reports whether the key holds s; "" (any key) is always held.
func (h heldScopes) has(s keys.Scope) bool {
	if s == "" {
		return true
	}
	b := scopeBit(s)
	return b != 0 && h&b != 0
}

// scopeSet reports which known scopes are present; unknown ones grant nothing.
func scopeSet(scopes []keys.Scope) heldScopes {
	var h heldScopes
	for _, s := range scopes {
		h |= scopeBit(s)
	}
	return h
}

// contextScopes is the key's scopes as the context carries them: keygate's
// in canonical order (precomputed: no allocation for a key with only
// those), then the API document's, sorted, once each — whatever order the
// stored key holds them in (keys.CanonicalScopes).
func contextScopes(held heldScopes, scopes []keys.Scope) string {
	known := joinedScopes[held]
	if bits.OnesCount8(uint8(held)) == len(scopes) {
		return known
	}
	all := keys.CanonicalScopes(scopes)
	n := bits.OnesCount8(uint8(held))
	if n >= len(all) {
		return known
	}
	var b strings.Builder
	b.WriteString(known)
	for _, s := range all[n:] {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(string(s))
	}
	return b.String()
}

// joinedScopes is every set of scopes written in canonical order, comma
// separated, computed once so that an Allow does not build the string.
var joinedScopes = func() []string {
	out := make([]string, 1<<len(keys.AllScopes))
	for h := range out {
		var names []string
		for i, s := range keys.AllScopes {
			if h&(1<<i) != 0 {
				names = append(names, string(s))
			}
		}
		out[h] = strings.Join(names, ",")
	}
	return out
}()

// workspaceMethod is the method a role's resources get under the key's
// scopes: write allows every method the role allows, read allows GET.
func workspaceMethod(role keys.Role, read, write bool) string {
	switch {
	case write && role != keys.RoleReadOnly:
		return methodAll
	case write || read:
		return methodGET
	}
	return ""
}

// workspaceGrants keeps the memberships with a valid id and role, sorted by
// workspace id without duplicates, and counts the rest.
func workspaceGrants(ms []keys.Membership, read, write bool) ([]workspaceGrant, int) {
	ws := make([]workspaceGrant, 0, len(ms))
	skipped := 0
	for _, m := range ms {
		if !keys.ValidID(m.WorkspaceID) || !m.Role.Valid() {
			skipped++
			continue
		}
		ws = append(ws, workspaceGrant{id: m.WorkspaceID, role: m.Role, method: workspaceMethod(m.Role, read, write)})
	}
	byID := func(a, b workspaceGrant) int { return cmp.Compare(a.id, b.id) }
	if !slices.IsSortedFunc(ws, byID) {
		slices.SortStableFunc(ws, byID)
	}
	n := len(ws)
	ws = slices.CompactFunc(ws, func(a, b workspaceGrant) bool { return a.id == b.id })
	return ws, skipped + n - len(ws)
}

// wildcardMethod is the method of the fallback workspace wildcard: "*" if any
// membership allows every method, "GET" if any allows reading, else "".
func wildcardMethod(ws []workspaceGrant) string {
	m := ""
	for _, w := range ws {
		if w.method == methodAll {
			return methodAll
		}
		if w.method == methodGET {
			m = methodGET
		}
	}
	return m
}

// buildResources writes every resource into one string and slices it, so the
// whole list costs two allocations. n and size are the count and total length
// of the resources, as the sizer that chose mode added them up, so the
// builder never grows.
func buildResources(base string, held heldScopes, ws []workspaceGrant, mode Mode, wildMethod string, n, size int) []string {
	var b strings.Builder
	b.Grow(size)
	var endsBuf [32]int // on the stack for the usual handful of resources
	ends := endsBuf[:0]
	if n > len(endsBuf) {
		ends = make([]int, 0, n)
	}
	add := func(method, path, id, suffix string) {
		b.WriteString(base)
		b.WriteByte('/')
		b.WriteString(method)
		b.WriteString(path)
		b.WriteString(id)
		b.WriteString(suffix)
		ends = append(ends, b.Len())
	}
	for _, r := range userResources {
		if held.has(r.Scope) {
			add(r.Method, r.Path, "", "")
		}
	}
	if mode == ModeExact || mode == ModeRequest {
		for _, w := range ws {
			if w.method != "" {
				add(w.method, pathWorkspace, w.id, "")
				add(w.method, pathWorkspace, w.id, pathAllChildren)
			}
		}
	} else if wildMethod != "" {
		add(wildMethod, pathWorkspace, "*", "")
	}

	s := b.String()
	out := make([]string, len(ends))
	start := 0
	for i, end := range ends {
		out[i] = s[start:end]
		start = end
	}
	return out
}

// workspacesLen is the length of joinWorkspaces(ws).
func workspacesLen(ws []workspaceGrant) int {
	n := 0
	for i, w := range ws {
		if i > 0 {
			n++
		}
		n += len(w.id) + 1 + len(w.role)
	}
	return n
}

// joinWorkspaces writes "id:role,id:role"; size is workspacesLen(ws).
func joinWorkspaces(ws []workspaceGrant, size int) string {
	var b strings.Builder
	b.Grow(size)
	for i, w := range ws {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(w.id)
		b.WriteByte(':')
		b.WriteString(string(w.role))
	}
	return b.String()
}

// allowResponse is an Allow of execute-api:Invoke on resources for
// principal, with the context and the usage plan key the request is
// counted under.
func allowResponse(principal string, resources []string, ctx map[string]interface{}, usageKey string) events.APIGatewayCustomAuthorizerResponse {
	return events.APIGatewayCustomAuthorizerResponse{
		PrincipalID: principal,
		PolicyDocument: events.APIGatewayCustomAuthorizerPolicy{
			Version: policyVersion,
			Statement: []events.IAMPolicyStatement{{
				Action:   []string{actionInvoke},
				Effect:   "Allow",
				Resource: resources,
			}},
		},
		Context:            ctx,
		UsageIdentifierKey: usageKey,
	}
}
