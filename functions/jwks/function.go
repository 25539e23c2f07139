package jwks

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"keygate/shared/assertion"
	"keygate/shared/httpapi"
	"keygate/shared/routes"
	"keygate/shared/store"
)

// KeyDirectory is what the function reads: the published public keys.
// *store.Store implements it.
type KeyDirectory interface {
	SigningKeys(ctx context.Context, now time.Time) ([]store.SigningKey, error)
}

// Function serves the JWKS.
type Function struct {
	st     KeyDirectory
	now    func() time.Time
	logger *slog.Logger
	httpapi.Lambda
}

// cacheControl lets verifiers and CDNs cache the set for
// assertion.JWKSMaxAge: a new key is published assertion.PublishDelay,
// longer than that, before it signs.
var cacheControl = "public, max-age=" + strconv.Itoa(int(assertion.JWKSMaxAge.Seconds()))

// New builds the function once per Lambda instance; now is the clock (nil:
// time.Now).
func New(cfg Config, st KeyDirectory, now func() time.Time) (*Function, error) {
	f := &Function{st: st, now: now, logger: cfg.Logger}
	if f.logger == nil {
		f.logger = slog.Default()
	}
	if f.now == nil {
		f.now = time.Now
	}
	mux, err := httpapi.NewMux(routes.JwksFunction, map[string]httpapi.HandlerFunc{
		"GET /open/.well-known/jwks.json": f.jwks,
	}, f.logger)
	if err != nil {
		return nil, err
	}
	f.Lambda = httpapi.NewLambda(mux, httpapi.Options{AllowOrigin: cfg.AllowOrigin, Logger: f.logger})
	return f, nil
}

// Logger is the function's logger.
func (f *Function) Logger() *slog.Logger { return f.logger }

// jwks answers the key set. Every stored key is re-read as a public
// Ed25519 JWK (assertion.ParseJWK) and re-encoded from that type, so the
// answer can hold nothing but public keys; a stored key that does not
// parse is left out and logged.
func (f *Function) jwks(w http.ResponseWriter, r *http.Request) error {
	stored, err := f.st.SigningKeys(r.Context(), f.now())
	if err != nil {
		return err
	}
	set := assertion.JWKS{Keys: make([]assertion.JWK, 0, len(stored))}
	for _, k := range stored {
		jwk, err := assertion.ParseJWK(k.JWK)
		if err != nil {
			f.logger.Error("published signing key left out of the JWKS", slog.String("kid", k.KID), slog.String("error", err.Error()))
			continue
		}
		set.Keys = append(set.Keys, jwk)
	}
	body, err := json.Marshal(set)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", cacheControl)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
	return nil
}
