package upstream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Errors of Verify. Each wraps ErrInvalid.
var (
	ErrInvalid    = errors.New("upstream: invalid identity assertion")
	ErrUnknownKey = fmt.Errorf("%w: signed by a key the JWKS does not list", ErrInvalid)
)

// Leeway is the clock skew Verify tolerates on exp and iat.
const Leeway = 30 * time.Second

// refetchAfter bounds how often an unknown kid refetches the JWKS, so
// forged kids cannot make the service hammer keygate.
const refetchAfter = 30 * time.Second

// Identity is the caller as keygate's assertion states it.
type Identity struct {
	UserID             string            `json:"sub"`
	KeyID              string            `json:"keyId"`
	Scopes             []string          `json:"scopes"`
	Workspaces         map[string]string `json:"workspaces"` // id -> owner, admin, readOnly
	WorkspacesOverflow bool              `json:"workspacesOverflow"`
}

// Verifier verifies assertions against keygate's JWKS.
type Verifier struct {
	jwksURL, issuer, audience string
	client                    *http.Client
	now                       func() time.Time

	mu      sync.Mutex
	keys    jose.JSONWebKeySet
	fetched time.Time
}

// NewVerifier returns a Verifier for the assertions of the keygate stage
// issuer (its ApiUrl output, or AssertionIssuer), meant for audience (the
// UpstreamUrl keygate was deployed with), whose keys are at jwksURL (the
// JwksUrl output). now is the clock (nil: time.Now).
func NewVerifier(jwksURL, issuer, audience string, now func() time.Time) *Verifier {
	if now == nil {
		now = time.Now
	}
	return &Verifier{jwksURL: jwksURL, issuer: issuer, audience: audience, now: now, client: &http.Client{Timeout: 5 * time.Second}}
}

// Verify checks token and returns the identity it carries. Only EdDSA is
// accepted (so "none" and HMAC-with-the-public-key tricks fail at parsing),
// the kid must be in the JWKS, and iss, aud, exp and iat must hold.
func (v *Verifier) Verify(ctx context.Context, token string) (Identity, error) {
	tok, err := jwt.ParseSigned(token, []jose.SignatureAlgorithm{jose.EdDSA})
	if err != nil {
		return Identity{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	key, err := v.key(ctx, tok.Headers[0].KeyID)
	if err != nil {
		return Identity{}, err
	}
	var std jwt.Claims
	var id Identity
	if err := tok.Claims(key.Key, &std, &id); err != nil {
		return Identity{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if std.Expiry == nil || std.IssuedAt == nil {
		return Identity{}, fmt.Errorf("%w: no exp or iat", ErrInvalid)
	}
	if err := std.ValidateWithLeeway(jwt.Expected{Issuer: v.issuer, AnyAudience: jwt.Audience{v.audience}, Time: v.now()}, Leeway); err != nil {
		return Identity{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if id.UserID == "" || id.KeyID == "" {
		return Identity{}, fmt.Errorf("%w: no sub or keyId", ErrInvalid)
	}
	return id, nil
}

// key returns the JWKS key kid, fetching the set when kid is unknown (a
// rotation published a new key) at most once per refetchAfter.
func (v *Verifier) key(ctx context.Context, kid string) (jose.JSONWebKey, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if ks := v.keys.Key(kid); len(ks) > 0 {
		return ks[0], nil
	}
	if !v.fetched.IsZero() && v.now().Sub(v.fetched) < refetchAfter {
		return jose.JSONWebKey{}, ErrUnknownKey
	}
	set, err := v.fetch(ctx)
	if err != nil {
		return jose.JSONWebKey{}, err
	}
	v.keys, v.fetched = set, v.now()
	if ks := v.keys.Key(kid); len(ks) > 0 {
		return ks[0], nil
	}
	return jose.JSONWebKey{}, ErrUnknownKey
}

func (v *Verifier) fetch(ctx context.Context) (jose.JSONWebKeySet, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, v.jwksURL, nil)
	if err != nil {
		return jose.JSONWebKeySet{}, err
	}
	resp, err := v.client.Do(req)
	if err != nil {
		return jose.JSONWebKeySet{}, fmt.Errorf("upstream: fetch JWKS: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return jose.JSONWebKeySet{}, fmt.Errorf("upstream: fetch JWKS: status %d", resp.StatusCode)
	}
	var set jose.JSONWebKeySet
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&set); err != nil {
		return jose.JSONWebKeySet{}, fmt.Errorf("upstream: decode JWKS: %w", err)
	}
	return set, nil
}
