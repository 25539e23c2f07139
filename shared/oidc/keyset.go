package oidc

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-jose/go-jose/v4"

	"keygate/shared/oidc/discovery"
)

// fetchTimeout bounds one background read of the provider's documents.
const fetchTimeout = discovery.Timeout

// verificationKey is one usable key of the JWKS: an asymmetric public key
// and the algorithms it verifies.
type verificationKey struct {
	kid  string
	key  any
	algs []jose.SignatureAlgorithm
}

// keySet is the JWKS as last read, and when.
type keySet struct {
	keys    []verificationKey
	fetched time.Time // zero: never read successfully
	tried   time.Time // the last read begun, successful or not
}

// keys holds the key set and reads it again when it must. The set is
// published through an atomic pointer: a request on a known key never
// waits for a read of the provider, whatever the provider does.
type keys struct {
	cfg    Config
	client *http.Client
	now    func() time.Time

	set        atomic.Pointer[keySet]
	fetching   sync.Mutex // one read of the provider at a time
	refreshing atomic.Bool
}

// MaxStale is how long keys are trusted without a successful read: past
// it, a provider that stays unreadable is a provider whose withdrawn keys
// keygate cannot know about, so its tokens are refused.
const MaxStale = 24 * time.Hour

// current is the key set held, empty when it is older than MaxStale.
func (k *keys) current() keySet {
	set := *k.set.Load()
	if !set.fetched.IsZero() && k.now().Sub(set.fetched) > MaxStale {
		set.keys = nil
	}
	return set
}

// lookup returns the keys that may verify a token with kid and alg. When
// none is held and the last read began at least MinRefetch ago, it reads
// the JWKS again first (the caller waits: a key rotation, or a made-up
// kid, which MinRefetch bounds). A set older than MaxAge is read again in
// the background, at most every MinRefetch while the provider fails.
func (k *keys) lookup(ctx context.Context, kid string, alg jose.SignatureAlgorithm) ([]verificationKey, error) {
	set := k.current()
	if found := match(set.keys, kid, alg); len(found) > 0 {
		if now := k.now(); now.Sub(set.fetched) >= MaxAge && now.Sub(set.tried) >= MinRefetch {
			k.refreshInBackground()
		}
		return found, nil
	}
	k.fetching.Lock()
	defer k.fetching.Unlock()
	// Another request may have read it meanwhile.
	set = k.current()
	if found := match(set.keys, kid, alg); len(found) > 0 {
		return found, nil
	}
	if !set.tried.IsZero() && k.now().Sub(set.tried) < MinRefetch {
		return nil, nil
	}
	if err := k.read(ctx); err != nil {
		return nil, err
	}
	return match(k.current().keys, kid, alg), nil
}

// refreshInBackground re-reads an aged JWKS without a request waiting.
func (k *keys) refreshInBackground() {
	if !k.refreshing.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer k.refreshing.Store(false)
		ctx, cancel := context.WithTimeout(context.Background(), fetchTimeout)
		defer cancel()
		k.fetching.Lock()
		defer k.fetching.Unlock()
		_ = k.read(ctx) // a failure keeps the old set until MaxStale; the next aged lookup tries again after MinRefetch
	}()
}

// read reads the JWKS (and, without JWKSURL, the discovery document naming
// it) and publishes it. A failure keeps the keys held. Callers hold
// fetching.
func (k *keys) read(ctx context.Context) error {
	old := *k.set.Load()
	tried := old
	tried.tried = k.now()
	k.set.Store(&tried)
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	jwksURL := k.cfg.JWKSURL
	if jwksURL == "" {
		d, err := discovery.Fetch(ctx, k.client, k.cfg.Issuer, k.cfg.AllowLoopbackHTTP)
		if err != nil {
			return err
		}
		if d.JWKSURI == "" {
			return fmt.Errorf("oidc: the discovery document of %s names no jwks_uri", k.cfg.Issuer)
		}
		jwksURL = d.JWKSURI
	}
	var set jose.JSONWebKeySet
	if err := discovery.GetJSON(ctx, k.client, jwksURL, &set); err != nil {
		return err
	}
	k.set.Store(&keySet{keys: usable(set), fetched: k.now(), tried: tried.tried})
	return nil
}

// usable keeps the JWKS's asymmetric signature keys, each with the
// algorithms it may verify: its alg when it names one (an asymmetric one),
// else those of its key type. Symmetric keys ("oct") and encryption keys
// are dropped: an HMAC token can never verify.
func usable(set jose.JSONWebKeySet) []verificationKey {
	var out []verificationKey
	for _, jwk := range set.Keys {
		if jwk.Use != "" && jwk.Use != "sig" || !jwk.Valid() || !jwk.IsPublic() {
			continue
		}
		algs := algorithmsOf(jwk.Key)
		if jwk.Algorithm != "" {
			named := jose.SignatureAlgorithm(jwk.Algorithm)
			if !contains(algs, named) {
				continue
			}
			algs = []jose.SignatureAlgorithm{named}
		}
		if len(algs) > 0 {
			out = append(out, verificationKey{kid: jwk.KeyID, key: jwk.Key, algs: algs})
		}
	}
	return out
}

// algorithmsOf are the asymmetric algorithms a public key verifies.
func algorithmsOf(key any) []jose.SignatureAlgorithm {
	switch k := key.(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() < 2048 {
			return nil
		}
		return []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512}
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256():
			return []jose.SignatureAlgorithm{jose.ES256}
		case elliptic.P384():
			return []jose.SignatureAlgorithm{jose.ES384}
		case elliptic.P521():
			return []jose.SignatureAlgorithm{jose.ES512}
		}
	case ed25519.PublicKey:
		return []jose.SignatureAlgorithm{jose.EdDSA}
	}
	return nil
}

// asymmetric are the algorithms a token may name at all.
var asymmetric = []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512,
	jose.ES256, jose.ES384, jose.ES512, jose.EdDSA}

// match returns the keys with kid (any, when kid is "" and the set holds
// one key) that verify alg.
func match(ks []verificationKey, kid string, alg jose.SignatureAlgorithm) []verificationKey {
	var out []verificationKey
	for _, k := range ks {
		if (k.kid == kid || kid == "" && len(ks) == 1) && contains(k.algs, alg) {
			out = append(out, k)
		}
	}
	return out
}

func contains(algs []jose.SignatureAlgorithm, a jose.SignatureAlgorithm) bool {
	for _, x := range algs {
		if x == a {
			return true
		}
	}
	return false
}

// errNoKeys is the start's error when the provider could not be read: the
// authorizer starts anyway (keys keep working) and reads it again on the
// first token.
var errNoKeys = errors.New("oidc: the provider's keys could not be read at start")
