package authorizer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"keygate/shared/access"
	"keygate/shared/assertion"
	"keygate/shared/keys"
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

// upstreamFromEnv reads the upstream settings; ok is false when
// UPSTREAM_URL is unset (no upstream: no assertion).
func upstreamFromEnv(getenv func(string) string) (u Upstream, ok bool, err error) {
	u.Audience = strings.TrimSpace(getenv("UPSTREAM_URL"))
	if u.Audience == "" {
		return Upstream{}, false, nil
	}
	if p, err := url.Parse(u.Audience); err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
		return Upstream{}, false, fmt.Errorf("UPSTREAM_URL %q: want an http or https URL", u.Audience)
	}
	u.Issuer = strings.TrimSpace(getenv("ASSERTION_ISSUER"))
	u.Lifetime = DefaultAssertionLifetime
	if v := strings.TrimSpace(getenv("ASSERTION_LIFETIME")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 60 || time.Duration(n)*time.Second > assertion.MaxLifetime {
			return Upstream{}, false, fmt.Errorf("ASSERTION_LIFETIME %q: want seconds from 60 to %d", v, int(assertion.MaxLifetime.Seconds()))
		}
		u.Lifetime = time.Duration(n) * time.Second
	}
	ttl := time.Hour // unset: the cache may be on for as long as API Gateway allows
	if v := strings.TrimSpace(getenv("AUTHORIZER_CACHE_TTL")); v != "" {
		n, _ := strconv.Atoi(v) // validated by access.CacheMayBeOn
		ttl = time.Duration(n) * time.Second
	}
	u.Lifetime = max(u.Lifetime, ttl+assertion.LifetimeMargin)
	u.SecretID = strings.TrimSpace(getenv("SIGNING_KEY_SECRET"))
	u.KeyFile = strings.TrimSpace(getenv("SIGNING_KEY_FILE"))
	if (u.SecretID == "") == (u.KeyFile == "") {
		return Upstream{}, false, errors.New("UPSTREAM_URL needs exactly one of SIGNING_KEY_SECRET and SIGNING_KEY_FILE")
	}
	return u, true, nil
}

// publishTimeout bounds the start's publication of the public keys.
const publishTimeout = 5 * time.Second

// newSigner reads the key set (once: Secrets Manager or the file), publishes
// its public keys for the JWKS and returns the signer. Any failure stops the
// start: an authorizer that cannot sign, or whose key no verifier could
// find, must not allow anything.
func newSigner(ctx context.Context, u Upstream, getenv func(string) string, pub assertion.Publisher, now time.Time, logger *slog.Logger) (*assertion.Signer, error) {
	src := assertion.FileSource(u.KeyFile)
	if u.SecretID != "" {
		client, err := assertion.NewSecretsClient(getenv)
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
// when the stack has no upstream.
func (h *Handler) asserter(base, userID, keyID string, scopes []keys.Scope, now time.Time) *assertion.Request {
	if h.cfg.Signer == nil {
		return nil
	}
	c := assertion.Claims{UserID: userID, KeyID: keyID, Scopes: scopes}
	if h.cfg.Upstream.Issuer == "" {
		c.Issuer = access.StageURL(base)
	}
	return h.cfg.Signer.For(c, now)
}
