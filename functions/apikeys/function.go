package apikeys

import (
	"log/slog"
	"net/http"

	"github.com/awslabs/aws-lambda-go-api-proxy/core"

	"keygate/shared/apigw"
	"keygate/shared/httpapi"
	"keygate/shared/keys"
	"keygate/shared/routes"
)

// FlushHeader tells the client whether the authorizer cache was flushed
// after a delete or rotation: done, failed (a cached answer may accept the
// old key until the TTL ends) or skipped (no cache to flush).
const FlushHeader = "X-Keygate-Cache-Flush"

// Function serves the /open/apikeys routes, the audit log and the API Keys
// page's sign-in: a transport over keys.Service.
type Function struct {
	keys    *keys.Service
	flusher apigw.StageFlusher
	logger  *slog.Logger
	// scopeList is GET /open/apikeys/scopes's answer, built once.
	scopeList scopeListJSON
	httpapi.Lambda
}

// New builds the function once per Lambda instance. flusher may be nil when
// no authorizer cache exists (flushing is then skipped).
func New(cfg Config, st keys.Store, flusher apigw.StageFlusher) (*Function, error) {
	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}
	svc, err := keys.NewService(st, keys.Config{KeyPrefix: cfg.KeyPrefix, Now: cfg.Now, CursorKey: cfg.CursorKey,
		ReflushAfter: cfg.ReflushAfter, Logger: logger, AuditRetention: cfg.AuditRetention, Limits: cfg.Limits, APIScopes: scopeNames(cfg.APIScopes), TokenLimits: cfg.TokenLimits})
	if err != nil {
		return nil, err
	}
	f := &Function{keys: svc, flusher: flusher, logger: logger, scopeList: scopeList(cfg.APIScopes)}
	mux, err := httpapi.NewMux(routes.ApiKeysFunction, map[string]httpapi.KeyHandlerFunc{
		"POST /open/apikeys":                f.create,
		"GET /open/apikeys":                 f.list,
		"GET /open/apikeys/scopes":          f.scopes,
		"GET /open/apikeys/{keyId}":         f.get,
		"PATCH /open/apikeys/{keyId}":       f.update,
		"DELETE /open/apikeys/{keyId}":      f.delete,
		"POST /open/apikeys/{keyId}/rotate": f.rotate,
		"GET /open/apikeys/{keyId}/usage":   f.usage,
		"GET /open/audit":                   f.audit,
		"POST /open/console/session":        f.signIn,
	}, logger)
	if err != nil {
		return nil, err
	}
	f.Lambda = httpapi.NewLambda(mux, httpapi.Options{AllowOrigin: cfg.AllowOrigin, Logger: logger})
	return f, nil
}

// stageCache is the authorizer cache of the stage that served r, or nil
// when it cannot be named (then nothing is flushed, and the log says so).
func (f *Function) stageCache(r *http.Request) keys.CacheFlusher {
	if f.flusher == nil {
		return nil
	}
	rc, ok := core.GetAPIGatewayContextFromContext(r.Context())
	if !ok || rc.APIID == "" || rc.Stage == "" {
		f.logger.WarnContext(r.Context(), "authorizer cache not flushed: no API id or stage in the request context")
		return nil
	}
	return apigw.Stage{Flusher: f.flusher, RestAPIID: rc.APIID, Name: rc.Stage}
}

// Logger is the function's logger.
func (f *Function) Logger() *slog.Logger { return f.logger }
