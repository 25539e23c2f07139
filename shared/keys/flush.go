package keys

import (
	"context"
	"time"
)

// CacheFlusher empties the authorizer cache of the API stage in front of
// keygate. Transports bind it to their stage: the apikeys function to the
// stage that served the request, the CLI to --rest-api-id and --stage.
type CacheFlusher interface {
	FlushAuthorizerCache(ctx context.Context) error
}

// Flush is the outcome of the cache flush after a revocation or rotation.
type Flush int

// The flush outcomes.
const (
	// FlushSkipped: no flusher was given (no cache to flush, or the
	// transport cannot reach it); a cached Allow lives to its TTL.
	FlushSkipped Flush = iota
	// FlushDone: the cache was flushed (twice when ReflushAfter is set).
	FlushDone
	// FlushFailed: a flush failed; a cached Allow may live to its TTL. The
	// failure is logged at error level.
	FlushFailed
)

// String names the outcome, as the X-Keygate-Cache-Flush header says it.
func (f Flush) String() string {
	switch f {
	case FlushDone:
		return "done"
	case FlushFailed:
		return "failed"
	}
	return "skipped"
}

// FlushFailedMessage starts the error log line of a failed flush; the
// template's metric filter counts these lines and its alarm fires on one.
const FlushFailedMessage = "authorizer cache flush failed"

// flush empties the authorizer cache after keyID was revoked.
//
// An authorization of the key that passed its key check just before the
// write can still answer after the first flush, and API Gateway would cache
// its Allow for the whole TTL. So, with ReflushAfter set (the cache is on),
// flush waits that long (longer than an authorizer may take from its key
// check to its Allow, see access.MaxAllowLatency) and flushes again.
func (s *Service) flush(ctx context.Context, cache CacheFlusher, keyID string) Flush {
	if cache == nil {
		return FlushSkipped
	}
	if !s.flushOnce(ctx, cache, keyID) {
		return FlushFailed
	}
	if s.cfg.ReflushAfter <= 0 {
		return FlushDone
	}
	select {
	case <-time.After(s.cfg.ReflushAfter):
		if !s.flushOnce(ctx, cache, keyID) {
			return FlushFailed
		}
		return FlushDone
	case <-ctx.Done():
		s.cfg.Logger.ErrorContext(ctx, FlushFailedMessage+": the request ended before the second flush", "keyId", keyID)
		return FlushFailed
	}
}

// flushOnce flushes the cache, logging a failure.
func (s *Service) flushOnce(ctx context.Context, cache CacheFlusher, keyID string) bool {
	if err := cache.FlushAuthorizerCache(ctx); err != nil {
		s.cfg.Logger.ErrorContext(ctx, FlushFailedMessage+": the revoked key may keep working until the authorizer cache TTL ends",
			"keyId", keyID, "err", err.Error())
		return false
	}
	return true
}
