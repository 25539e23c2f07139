package apikeys

import (
	"log/slog"
	"net/http"

	"keygate/shared/access"
	"keygate/shared/apikey"
	"keygate/shared/apperr"
	"keygate/shared/httpapi"
	"keygate/shared/keys"
	"keygate/shared/store"
)

// Function serves the /open/apikeys routes.
type Function struct {
	cfg     Config
	st      *store.Store
	flusher CacheFlusher
	logger  *slog.Logger
	httpapi.Lambda
}

// New builds the function once per Lambda instance. flusher may be nil when
// no authorizer cache exists (flushing is then skipped).
func New(cfg Config, st *store.Store, flusher CacheFlusher) *Function {
	if cfg.KeyPrefix == "" {
		cfg.KeyPrefix = apikey.DefaultPrefix
	}
	f := &Function{cfg: cfg, st: st, flusher: flusher, logger: cfg.Logger}
	if f.logger == nil {
		f.logger = slog.Default()
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /open/apikeys", f.create)
	mux.HandleFunc("GET /open/apikeys", f.list)
	mux.HandleFunc("GET /open/apikeys/{keyId}", f.get)
	mux.HandleFunc("PATCH /open/apikeys/{keyId}", f.rename)
	mux.HandleFunc("DELETE /open/apikeys/{keyId}", f.delete)
	mux.HandleFunc("POST /open/apikeys/{keyId}/rotate", f.rotate)
	f.Lambda = httpapi.NewLambda(mux, httpapi.Options{AllowOrigin: cfg.AllowOrigin, Logger: f.logger})
	return f
}

// admin returns the caller's identity, which must carry the admin scope.
func (f *Function) admin(r *http.Request) (access.Identity, error) {
	id, err := access.IdentityFromContext(r.Context())
	if err != nil {
		return access.Identity{}, err // a configuration error: 500, logged
	}
	if !id.HasScope(keys.ScopeAdmin) {
		return access.Identity{}, apperr.Errorf(apperr.Forbidden, "Insufficient access: managing API keys needs a key with the admin scope")
	}
	return id, nil
}

// fail writes err in the error envelope.
func (f *Function) fail(w http.ResponseWriter, r *http.Request, err error) {
	httpapi.Error(w, r, f.logger, err)
}
