package authorizer

import (
	"context"

	"keygate/shared/apikey"
	"keygate/shared/keys"
	"keygate/shared/oidc"
)

// reasonTokenOutlivesCache is logged for a token refused because it
// expires within the authorizer cache's TTL.
const reasonTokenOutlivesCache = "TOKEN_EXPIRES_WITHIN_CACHE_TTL"

// isToken reports whether token is to be verified as the provider's access
// token: tokens are on, the key format refuses it (its checksum decides,
// without I/O, so a key is never taken for a token) and it has a JWT's
// shape.
func (h *Handler) isToken(token string) bool {
	if h.cfg.Tokens == nil {
		return false
	}
	if _, err := apikey.Parse(token, h.cfg.KeyPrefix); err == nil {
		return false
	}
	return oidc.LooksLikeJWT(token)
}

// verifyToken verifies an access token: its signature and claims
// (shared/oidc), then its subject, scopes and limits as a key's
// (keys.VerifyToken). A refusal of the token itself is a 401, returned as
// refusal; the subject's refusals are a Decision's, as a key's. With the
// cache on, a token that expires within the cache's TTL is refused: API
// Gateway would otherwise serve its cached Allow after exp.
func (h *Handler) verifyToken(ctx context.Context, token string, f keys.Facts) (d keys.Decision, refusal string, err error) {
	res, err := h.cfg.Tokens.Verify(ctx, token, f.Now)
	switch {
	case err != nil:
		return keys.Decision{}, "", err
	case res.Refusal != "":
		return keys.Decision{}, string(res.Refusal), nil
	case h.cfg.CacheTTL > 0 && res.Claims.Expiry.Sub(f.Now) < h.cfg.CacheTTL:
		return keys.Decision{}, reasonTokenOutlivesCache, nil
	}
	d, err = h.verifier.VerifyToken(ctx, keys.TokenClaims{UserID: res.Claims.Subject, Scopes: res.Claims.Scopes, Expiry: res.Claims.Expiry},
		h.cfg.TokenRules, f)
	return d, "", err
}
