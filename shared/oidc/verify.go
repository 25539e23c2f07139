package oidc

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"

	"keygate/shared/oidc/discovery"
)

// Refusal says why a token is not accepted; "" accepts it. Refusals are
// logged, never shown to the client (who gets the spec's 401).
type Refusal string

// The refusals.
const (
	RefusedMalformed  Refusal = "TOKEN_MALFORMED"
	RefusedAlgorithm  Refusal = "TOKEN_ALGORITHM_NOT_ALLOWED"
	RefusedUnknownKey Refusal = "TOKEN_KEY_UNKNOWN"
	RefusedSignature  Refusal = "TOKEN_SIGNATURE_INVALID"
	RefusedIssuer     Refusal = "TOKEN_ISSUER_INVALID"
	RefusedAudience   Refusal = "TOKEN_AUDIENCE_INVALID"
	RefusedExpired    Refusal = "TOKEN_EXPIRED"
	RefusedNotYet     Refusal = "TOKEN_NOT_YET_VALID"
	RefusedNotAccess  Refusal = "TOKEN_NOT_AN_ACCESS_TOKEN"
	RefusedSubject    Refusal = "TOKEN_SUBJECT_MISSING"
)

// Claims are what keygate reads of an accepted token.
type Claims struct {
	// Subject is the UserClaim's value: the keygate user id.
	Subject string
	// Scopes are scope's space-separated names, or scp's, with
	// ScopePrefix removed; unknown ones are keygate's to drop.
	Scopes []string
	// Expiry is exp.
	Expiry time.Time
}

// Result is a verification's outcome.
type Result struct {
	Claims  Claims
	Refusal Refusal
}

// Verifier verifies one provider's access tokens. Build it once with New;
// it is safe for concurrent use.
type Verifier struct {
	cfg  Config
	keys *keys
}

// New returns a Verifier of cfg's provider and reads its keys. A provider
// that cannot be read now is logged, not fatal: API keys must keep working
// while it is down, and the first token reads it again (fail closed until
// then). A Config that is wrong is an error.
func New(ctx context.Context, cfg Config, client *http.Client, now func() time.Time, logger *slog.Logger) (*Verifier, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if client == nil {
		client = discovery.NewClient()
	}
	if now == nil {
		now = time.Now
	}
	v := &Verifier{cfg: cfg, keys: &keys{cfg: cfg, client: client, now: now}}
	v.keys.set.Store(&keySet{})
	v.keys.fetching.Lock()
	err = v.keys.read(ctx)
	v.keys.fetching.Unlock()
	if err != nil && logger != nil {
		logger.LogAttrs(ctx, slog.LevelError, "oidc provider unreadable at start", slog.String("issuer", cfg.Issuer), slog.String("error", fmt.Errorf("%w: %w", errNoKeys, err).Error()))
	}
	return v, nil
}

// Issuer is the provider's issuer identifier.
func (v *Verifier) Issuer() string { return v.cfg.Issuer }

// LooksLikeJWT reports whether token has a JWS compact serialization's
// shape (three base64url parts): cheap, no decoding. The authorizer asks
// only after the key format refused the token.
func LooksLikeJWT(token string) bool {
	if strings.Count(token, ".") != 2 || len(token) > maxToken {
		return false
	}
	for i := 0; i < len(token); i++ {
		c := token[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// maxToken bounds a token's length (API Gateway's headers are at most
// 10 KB together).
const maxToken = 8192

// Verify checks token at now. The error is an infrastructure failure (the
// JWKS had to be read again and could not be), on which the caller must
// not allow.
func (v *Verifier) Verify(ctx context.Context, token string, now time.Time) (Result, error) {
	if !LooksLikeJWT(token) {
		return Result{Refusal: RefusedMalformed}, nil
	}
	jws, err := jose.ParseSignedCompact(token, asymmetric)
	if err != nil {
		if strings.Contains(err.Error(), "unexpected signature algorithm") {
			return Result{Refusal: RefusedAlgorithm}, nil
		}
		return Result{Refusal: RefusedMalformed}, nil
	}
	if len(jws.Signatures) != 1 {
		return Result{Refusal: RefusedMalformed}, nil
	}
	h := jws.Signatures[0].Header
	candidates, err := v.keys.lookup(ctx, h.KeyID, jose.SignatureAlgorithm(h.Algorithm))
	if err != nil {
		return Result{}, err
	}
	if len(candidates) == 0 {
		return Result{Refusal: RefusedUnknownKey}, nil
	}
	var payload []byte
	for _, k := range candidates {
		if payload, err = jws.Verify(k.key); err == nil {
			break
		}
	}
	if err != nil {
		return Result{Refusal: RefusedSignature}, nil
	}
	return v.claims(payload, now), nil
}

// claims checks a verified payload's claims.
func (v *Verifier) claims(payload []byte, now time.Time) Result {
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	var c map[string]any
	if err := dec.Decode(&c); err != nil {
		return Result{Refusal: RefusedMalformed}
	}
	if iss, _ := c["iss"].(string); iss != v.cfg.Issuer {
		return Result{Refusal: RefusedIssuer}
	}
	if !v.audienceOK(c) {
		return Result{Refusal: RefusedAudience}
	}
	// An OpenID Connect ID token is not an access token: Cognito marks its
	// tokens token_use, Keycloak typ "ID", and only an ID token carries
	// at_hash (OpenID Connect Core 3.1.3.6). A client whose id is among the
	// audiences would otherwise pass its users' ID tokens.
	if use, ok := c["token_use"]; ok && use != "access" {
		return Result{Refusal: RefusedNotAccess}
	}
	if typ, _ := c["typ"].(string); strings.EqualFold(typ, "ID") || strings.EqualFold(typ, "id_token") {
		return Result{Refusal: RefusedNotAccess}
	}
	if _, ok := c["at_hash"]; ok {
		return Result{Refusal: RefusedNotAccess}
	}
	exp, ok := numericDate(c["exp"])
	if !ok {
		return Result{Refusal: RefusedMalformed}
	}
	if !now.Before(exp.Add(v.cfg.Leeway)) {
		return Result{Refusal: RefusedExpired}
	}
	if raw, present := c["nbf"]; present {
		nbf, ok := numericDate(raw)
		if !ok {
			return Result{Refusal: RefusedMalformed}
		}
		if now.Add(v.cfg.Leeway).Before(nbf) {
			return Result{Refusal: RefusedNotYet}
		}
	}
	sub, _ := c[v.cfg.UserClaim].(string)
	if sub == "" {
		return Result{Refusal: RefusedSubject}
	}
	return Result{Claims: Claims{Subject: sub, Scopes: v.scopes(c), Expiry: exp}}
}

// audienceOK: aud (a string or a list) holds one of the audiences; a token
// without aud (Amazon Cognito's access tokens) must have one as client_id,
// as API Gateway's own JWT authorizers accept.
func (v *Verifier) audienceOK(c map[string]any) bool {
	switch aud := c["aud"].(type) {
	case string:
		return v.audience(aud)
	case []any:
		for _, a := range aud {
			if s, ok := a.(string); ok && v.audience(s) {
				return true
			}
		}
		return false
	case nil:
		id, _ := c["client_id"].(string)
		return v.audience(id)
	}
	return false
}

// audience reports whether a is one of Config.Audience's comma-separated
// audiences.
func (v *Verifier) audience(a string) bool {
	if a == "" {
		return false
	}
	for _, want := range strings.Split(v.cfg.Audience, ",") {
		if strings.TrimSpace(want) == a {
			return true
		}
	}
	return false
}

// scopes reads scope (space-separated) or scp (a list, or a string).
func (v *Verifier) scopes(c map[string]any) []string {
	var raw []string
	switch s := c["scope"].(type) {
	case string:
		raw = strings.Fields(s)
	default:
		switch scp := c["scp"].(type) {
		case string:
			raw = strings.Fields(scp)
		case []any:
			for _, x := range scp {
				if s, ok := x.(string); ok {
					raw = append(raw, s)
				}
			}
		}
	}
	out := make([]string, 0, len(raw))
	for _, s := range raw {
		if v.cfg.ScopePrefix != "" {
			var ok bool
			if s, ok = strings.CutPrefix(s, v.cfg.ScopePrefix); !ok {
				continue
			}
		}
		out = append(out, s)
	}
	return out
}

// numericDate reads a JWT NumericDate (seconds, possibly fractional).
func numericDate(v any) (time.Time, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return time.Time{}, false
	}
	f, err := n.Float64()
	if err != nil || math.IsNaN(f) || f < 0 || f > 1e11 {
		return time.Time{}, false
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)), true
}
