package access

import "time"

// With the authorizer cache on, revoking a key (a DELETE or a rotation) must
// also remove every cached Allow of it. The apikeys function flushes the
// stage's authorizer cache right after its write, and again ReflushDelay
// later: an authorization whose key check ran just before the write can
// answer after the first flush, and API Gateway would cache that Allow for
// the whole TTL. The second flush removes it only if every Allow is answered
// within MaxAllowLatency of the start of its key check, which the authorizer
// enforces by failing closed (an error, which API Gateway answers with 500
// and does not cache) when it is later. The difference between the two
// leaves API Gateway time to store the answer before the second flush.
const (
	// ReflushDelay is the wait between the two flushes after a revocation.
	ReflushDelay = time.Second
	// MaxAllowLatency bounds, with the cache on, the time from the start of
	// the authorizer's key check to its Allow.
	MaxAllowLatency = 750 * time.Millisecond
)
