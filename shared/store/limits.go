package store

import (
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/shared/keys"
)

// A key's limits and their counters are attributes of its item, so the one
// conditional UpdateItem of a verification checks and advances them with
// the key check.
//
// Rate limit (GCRA): the configuration rlLimit, rlWindowMs, rlBurst, and
// derived from it rlT (the emission interval) and rlTau (the tolerance) in
// milliseconds, which conditions and updates use directly; the state rlTat
// (the theoretical arrival time) and rlAllowAt (rlTat - rlTau, the earliest
// time the next request is admitted). A request is admitted when
// rlAllowAt <= now; it advances both by rlT from max(rlTat, now).
//
// Quota: the configuration qLimit and qKind (day or month); the state
// qPeriod (the period's name, keys.Quota.PeriodKey) and qUsed.
const (
	attrRLLimit   = "rlLimit"
	attrRLWindow  = "rlWindowMs"
	attrRLBurst   = "rlBurst"
	attrRLT       = "rlT"
	attrRLTau     = "rlTau"
	attrRLTat     = "rlTat"
	attrRLAllowAt = "rlAllowAt"
	// attrRLGap is rlT - rlTau, so an idle rate limit restarts from now in
	// one expression (rlAllowAt = :now + rlGap).
	attrRLGap   = "rlGap"
	attrQLimit  = "qLimit"
	attrQKind   = "qKind"
	attrQPeriod = "qPeriod"
	attrQUsed   = "qUsed"
)

// rateAttrs are the attributes of a rate limit's configuration.
func rateAttrs(r keys.RateLimit) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		attrRLLimit: num(r.Limit), attrRLWindow: num(r.Window.Milliseconds()), attrRLBurst: num(r.Burst),
		attrRLT: num(r.Interval().Milliseconds()), attrRLTau: num(r.Tolerance().Milliseconds()),
		attrRLGap: num(r.Interval().Milliseconds() - r.Tolerance().Milliseconds()),
	}
}

// quotaAttrs are the attributes of a quota's configuration.
func quotaAttrs(q keys.Quota) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{attrQLimit: num(q.Limit), attrQKind: str(string(q.Period))}
}

// rateConfigNames and quotaConfigNames are the configuration attributes of
// each, which removing the limit removes. Their state stays: a limit
// removed and set again continues its state rather than starting full.
var (
	rateConfigNames  = []string{attrRLLimit, attrRLWindow, attrRLBurst, attrRLT, attrRLTau, attrRLGap}
	quotaConfigNames = []string{attrQLimit, attrQKind}
)

func decodeRate(item map[string]types.AttributeValue) *keys.RateLimit {
	limit, ok := getN(item, attrRLLimit)
	if !ok {
		return nil
	}
	window, _ := getN(item, attrRLWindow)
	burst, _ := getN(item, attrRLBurst)
	return &keys.RateLimit{Limit: limit, Window: time.Duration(window) * time.Millisecond, Burst: burst}
}

func decodeQuota(item map[string]types.AttributeValue) (*keys.Quota, keys.QuotaState) {
	used, _ := getN(item, attrQUsed)
	state := keys.QuotaState{Period: getS(item, attrQPeriod), Used: used}
	limit, ok := getN(item, attrQLimit)
	if !ok {
		return nil, state
	}
	return &keys.Quota{Limit: limit, Period: keys.QuotaPeriod(getS(item, attrQKind))}, state
}

// rateState is a key's GCRA state as stored (missing = 0).
type rateState struct{ t, tau, tat, allowAt int64 }

func readRateState(item map[string]types.AttributeValue) (rateState, bool) {
	t, ok := getN(item, attrRLT)
	if !ok || t <= 0 {
		return rateState{}, false
	}
	tau, _ := getN(item, attrRLTau)
	tat, _ := getN(item, attrRLTat)
	allowAt, _ := getN(item, attrRLAllowAt)
	return rateState{t: t, tau: tau, tat: tat, allowAt: allowAt}, true
}

// remaining is how many more requests the rate limit admits at now after
// an admitted one left the state s, and how long until its full burst is
// back.
func (s rateState) remaining(now int64) (int64, time.Duration) {
	left := int64(0)
	if s.allowAt <= now {
		left = (now-s.allowAt)/s.t + 1
	}
	reset := time.Duration(max(0, s.tat-now)) * time.Millisecond
	return left, reset
}

// maxLimitHints bounds the memory of limitHints: past it, it starts over.
const maxLimitHints = 100_000

// limitHints remembers, per key id, which limits the key carried when last
// verified by this Store (this Lambda instance), and whether its rate limit
// is found idle at each request (a key used below its rate) or current (a
// key used at it), so the next verification writes the matching steady
// expression in its one UpdateItem. A key is taken for idle once it was
// found idle twice in a row, so one pause in a burst costs no switch. A
// hint that is wrong (limits changed meanwhile, the pace changed) only
// costs the one extra call that corrects it; it never admits a request,
// since every write's condition checks the stored state.
type limitHints struct {
	mu    sync.Mutex
	hints map[string]hint
}

// hint is what limitHints keeps of one key.
type hint struct {
	kind limitKind
	// idleSeen: the last admission restarted an idle rate limit.
	idleSeen bool
}

func (h *limitHints) get(keyID string) limitKind {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.hints[keyID].kind
}

// observe records the item as a write left it; idle says whether that
// write restarted an idle rate limit.
func (h *limitHints) observe(keyID string, item map[string]types.AttributeValue, idle bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	prev := h.hints[keyID]
	next := hint{kind: kindOf(item, false), idleSeen: idle}
	if idle && (prev.idleSeen || prev.kind.isIdle()) {
		next.kind = next.kind.idle()
	}
	if next == (hint{}) {
		delete(h.hints, keyID)
		return
	}
	if h.hints == nil || len(h.hints) >= maxLimitHints {
		h.hints = make(map[string]hint)
	}
	h.hints[keyID] = next
}
