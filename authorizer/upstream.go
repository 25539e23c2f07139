package authorizer

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"keygate/shared/access"
	"keygate/shared/assertion"
	"keygate/shared/keys"
	"keygate/shared/lambdaenv"
)

// DefaultAssertionLifetime is the assertion lifetime when
// ASSERTION_LIFETIME is unset (the template's default).
const DefaultAssertionLifetime = 6 * time.Minute

// Upstream configures the identity assertion the authorizer signs when the
// stack has an upstream (Config.Upstream).
type Upstream struct {
	// Audience is the upstream's URL (UPSTREAM_URL), the assertion's aud.
	Audience string
	// Issuer is the assertion's iss (ASSERTION_ISSUER, for a custom
	// domain); "" derives it from each request's method ARN: the stage's
	// execute-api URL, the template's ApiUrl output.
	Issuer string
	// Lifetime is how long an assertion lives: ASSERTION_LIFETIME, raised
	// to the authorizer cache TTL plus assertion.LifetimeMargin, so that a
	// cached verdict carries an assertion that has not expired.
	Lifetime time.Duration
	// SecretID (SIGNING_KEY_SECRET) or KeyFile (SIGNING_KEY_FILE, the local
	// stack) holds the signing key set; exactly one is set.
	SecretID, KeyFile string
}

// upstreamFrom is the upstream's assertion settings (none without
// UPSTREAM_URL): the lifetime defaults to DefaultAssertionLifetime and is
// raised to the authorizer cache TTL plus assertion.LifetimeMargin.
func upstreamFrom(s lambdaenv.Upstream, cacheTTL time.Duration) Upstream {
	if s.URL == "" {
		return Upstream{}
	}
	lifetime := s.Lifetime
	if lifetime == 0 {
		lifetime = DefaultAssertionLifetime
	}
	return Upstream{Audience: s.URL, Issuer: s.Issuer, Lifetime: max(lifetime, cacheTTL+assertion.LifetimeMargin),
		SecretID: s.SigningKeySecret, KeyFile: s.SigningKeyFile}
}

// publishTimeout bounds the start's publication of the public keys.
const publishTimeout = 5 * time.Second

// newSigner reads the key set (once: Secrets Manager or the file), publishes
// its public keys for the JWKS and returns the signer. Any failure stops the
// start: an authorizer that cannot sign, or whose key no verifier could
// find, must not allow anything.
func newSigner(ctx context.Context, u Upstream, aws lambdaenv.AWS, pub assertion.Publisher, now time.Time, logger *slog.Logger) (*assertion.Signer, error) {
	src := assertion.FileSource(u.KeyFile)
	if u.SecretID != "" {
		client, err := assertion.NewSecretsClient(aws)
		if err != nil {
			return nil, fmt.Errorf("secrets manager client: %w", err)
		}
		src = assertion.SecretSource(client, u.SecretID)
	}
	ctx, cancel := context.WithTimeout(ctx, publishTimeout)
	defer cancel()
	h, err := assertion.NewHolder(ctx, src, now, logger)
	if err != nil {
		return nil, err
	}
	if err := assertion.Publish(ctx, h.Keys(), pub); err != nil {
		return nil, err
	}
	return assertion.NewSigner(h, u.Issuer, u.Audience, u.Lifetime), nil
}

// asserter returns the assertion of a verified key for the Allow, or nil
// when the stack has no upstream. notAfter (an access token's exp; zero
// for a key) caps its exp.
func (h *Handler) asserter(base, userID, keyID string, scopes []keys.Scope, now, notAfter time.Time) *assertion.Request {
	if h.cfg.Signer == nil {
		return nil
	}
	c := assertion.Claims{UserID: userID, KeyID: keyID, Scopes: scopes, NotAfter: notAfter}
	if h.cfg.Upstream.Issuer == "" {
		c.Issuer = access.StageURL(base)
	}
	return h.cfg.Signer.For(c, now)
}
