package apikeys

import (
	"context"
	"time"

	"github.com/awslabs/aws-lambda-go-api-proxy/core"
)

// CacheFlusher empties a stage's authorizer cache. The AWS implementation is
// APIGatewayFlusher; the local gateway supplies its own.
type CacheFlusher interface {
	FlushAuthorizerCache(ctx context.Context, restAPIID, stage string) error
}

// flush empties the authorizer cache of the stage that served the request,
// after keyID was deleted or rotated.
//
// An authorization of the key that passed its key check just before the
// delete can still finish after the first flush, and API Gateway would cache
// its Allow for the whole TTL. So, with the cache on, flush waits
// ReflushAfter (longer than an authorizer takes from its key check to its
// answer) and flushes again before the request is answered.
//
// The key is already gone from the table when this runs, so every uncached
// authorization of it fails; a flush failure can only leave a cached Allow
// alive until the authorizer's TTL ends. It is therefore logged at error
// level (to alert on) and the request still succeeds: answering 500 would
// tell the client the deletion failed when it did not, a retry would find no
// key (404) and could not flush either, and a rotation's new token, shown
// only once, would be lost.
func (f *Function) flush(ctx context.Context, keyID string) {
	if f.flusher == nil {
		return
	}
	rc, ok := core.GetAPIGatewayContextFromContext(ctx)
	if !ok || rc.APIID == "" || rc.Stage == "" {
		f.logger.WarnContext(ctx, "authorizer cache not flushed: no API id or stage in the request context", "keyId", keyID)
		return
	}
	f.flushOnce(ctx, rc.APIID, rc.Stage, keyID)
	if f.cfg.ReflushAfter <= 0 {
		return
	}
	select {
	case <-time.After(f.cfg.ReflushAfter):
		f.flushOnce(ctx, rc.APIID, rc.Stage, keyID)
	case <-ctx.Done():
		f.logger.WarnContext(ctx, "authorizer cache not flushed a second time: the request ended", "keyId", keyID)
	}
}

// flushOnce flushes the cache, logging a failure.
func (f *Function) flushOnce(ctx context.Context, restAPIID, stage, keyID string) {
	if err := f.flusher.FlushAuthorizerCache(ctx, restAPIID, stage); err != nil {
		f.logger.ErrorContext(ctx, "authorizer cache flush failed: the revoked key may keep working until the authorizer cache TTL ends",
			"keyId", keyID, "restApiId", restAPIID, "stage", stage, "err", err.Error())
	}
}
