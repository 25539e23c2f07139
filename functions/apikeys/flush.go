package apikeys

import (
	"context"

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
	if err := f.flusher.FlushAuthorizerCache(ctx, rc.APIID, rc.Stage); err != nil {
		f.logger.ErrorContext(ctx, "authorizer cache flush failed: the revoked key may keep working until the authorizer cache TTL ends",
			"keyId", keyID, "restApiId", rc.APIID, "stage", rc.Stage, "err", err.Error())
	}
}
