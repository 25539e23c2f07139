package assertion

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Timing of a rotation.
const (
	// JWKSMaxAge is how long clients may cache the JWKS (its Cache-Control).
	JWKSMaxAge = 5 * time.Minute
	// PublishDelay is how long a new key is published before it signs:
	// longer than JWKSMaxAge, so a verifier's cached JWKS already has it.
	PublishDelay = JWKSMaxAge + time.Minute
	// RefreshInterval is how often a running authorizer re-reads the key
	// set, in the background.
	RefreshInterval = time.Hour
	// MaxLifetime is the longest assertion lifetime keygate issues: the
	// longest authorizer cache TTL API Gateway allows (3,600 s) plus
	// LifetimeMargin.
	MaxLifetime = time.Hour + LifetimeMargin
	// LifetimeMargin is added to the authorizer cache TTL so that a cached
	// verdict still carries an assertion that has not expired.
	LifetimeMargin = time.Minute
	// RetainAfterRotation is how long a replaced key stays published after
	// the new one starts signing: an authorizer that read the set before
	// the rotation signs with the old key until its next refresh, and its
	// last assertions live MaxLifetime more.
	RetainAfterRotation = RefreshInterval + MaxLifetime + time.Minute
)

// KeySet is the signing-key document: {"seed": "..."} as CloudFormation
// generates it, plus, after rotations, when the current seed starts signing
// and the seeds it replaced.
type KeySet struct {
	// Seed is the current key's secret.
	Seed string `json:"seed"`
	// SignFrom is when Seed starts signing (Unix seconds; 0: always).
	// Before that, Previous[0] signs.
	SignFrom int64 `json:"signFrom,omitempty"`
	// Previous are the replaced keys, newest first, each published until
	// its Until.
	Previous []RetiredSeed `json:"previous,omitempty"`
}

// RetiredSeed is a replaced key, published until Until (Unix seconds).
type RetiredSeed struct {
	Seed  string `json:"seed"`
	Until int64  `json:"until"`
}

// ParseKeySet reads a key set; unknown fields and short seeds are errors.
func ParseKeySet(data []byte) (KeySet, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s KeySet
	if err := dec.Decode(&s); err != nil {
		return KeySet{}, fmt.Errorf("assertion: key set: %w", err)
	}
	if dec.More() {
		return KeySet{}, errors.New("assertion: key set: trailing data")
	}
	if len(s.Seed) < MinSeedLength {
		return KeySet{}, fmt.Errorf("%w: current seed", ErrSeed)
	}
	for _, p := range s.Previous {
		if len(p.Seed) < MinSeedLength {
			return KeySet{}, fmt.Errorf("%w: previous seed", ErrSeed)
		}
	}
	return s, nil
}

// Marshal encodes s as ParseKeySet reads it.
func (s KeySet) Marshal() []byte {
	b, _ := json.Marshal(s) // strings and integers only: cannot fail
	return b
}

// NewSeed returns a random seed from crypto/rand (256 bits).
func NewSeed() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error
	return b64(b)
}

// NewKeySet returns a set with one new key that signs at once.
func NewKeySet() KeySet { return KeySet{Seed: NewSeed()} }

// Rotate returns s with seed as its new current key, signing PublishDelay
// after now; the current key joins Previous until RetainAfterRotation after
// that, and previous keys whose time is over are dropped.
func (s KeySet) Rotate(seed string, now time.Time) KeySet {
	signFrom := now.Add(PublishDelay)
	out := KeySet{Seed: seed, SignFrom: signFrom.Unix()}
	out.Previous = append(out.Previous, RetiredSeed{Seed: s.Seed, Until: signFrom.Add(RetainAfterRotation).Unix()})
	for _, p := range s.Previous {
		if p.Until > now.Unix() {
			out.Previous = append(out.Previous, p)
		}
	}
	return out
}

// Published is a key with the time it stays in the JWKS (zero: open).
type Published struct {
	Key   Key
	Until time.Time
}

// Keys is a KeySet with its keys derived, ready to sign.
type Keys struct {
	current  Key
	signFrom time.Time
	previous []Published
}

// Derive derives every key of s.
func (s KeySet) Derive() (Keys, error) {
	cur, err := DeriveKey(s.Seed)
	if err != nil {
		return Keys{}, err
	}
	k := Keys{current: cur}
	if s.SignFrom > 0 {
		k.signFrom = time.Unix(s.SignFrom, 0)
	}
	for _, p := range s.Previous {
		pk, err := DeriveKey(p.Seed)
		if err != nil {
			return Keys{}, err
		}
		k.previous = append(k.previous, Published{Key: pk, Until: time.Unix(p.Until, 0)})
	}
	return k, nil
}

// Signing returns the key that signs at now: the current one once its
// SignFrom has come, before that the newest previous one.
func (k Keys) Signing(now time.Time) Key {
	if len(k.previous) > 0 && now.Before(k.signFrom) {
		return k.previous[0].Key
	}
	return k.current
}

// Published returns every key the JWKS must list, current first.
func (k Keys) Published() []Published {
	return append([]Published{{Key: k.current}}, k.previous...)
}
