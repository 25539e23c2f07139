package assertion

import (
	"bytes"
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
)

// MinSeedLength is the shortest seed accepted: 32 characters of the
// alphabet Secrets Manager generates are well over 128 bits.
const MinSeedLength = 32

// hkdfInfo binds derived keys to their one use.
const hkdfInfo = "keygate identity assertion Ed25519 v1"

// ErrSeed is wrapped by the error of a seed too short to derive a key from.
var ErrSeed = errors.New("assertion: signing seed too short")

// Key is one Ed25519 signing key and its key id.
type Key struct {
	// ID is the RFC 7638 thumbprint of the public key, used as kid.
	ID      string
	private ed25519.PrivateKey
	public  ed25519.PublicKey
	// header is the JWS header naming this key, base64url: the same for
	// every assertion it signs, so encoded once.
	header string
}

// DeriveKey derives the Ed25519 key of seed (HKDF-SHA256), so that the
// stored secret can be any random string, such as the one Secrets Manager
// generates.
func DeriveKey(seed string) (Key, error) {
	if len(seed) < MinSeedLength {
		return Key{}, fmt.Errorf("%w: %d characters, want at least %d", ErrSeed, len(seed), MinSeedLength)
	}
	raw, err := hkdf.Key(sha256.New, []byte(seed), nil, hkdfInfo, ed25519.SeedSize)
	if err != nil {
		return Key{}, fmt.Errorf("assertion: derive key: %w", err)
	}
	priv := ed25519.NewKeyFromSeed(raw)
	pub := priv.Public().(ed25519.PublicKey)
	kid := thumbprint(pub)
	return Key{ID: kid, private: priv, public: pub, header: b64([]byte(`{"alg":"EdDSA","kid":"` + kid + `","typ":"JWT"}`))}, nil
}

// JWK is a public key as RFC 8037 writes an Ed25519 key in a JWKS. It has
// no private member: nothing else can be marshalled from it.
type JWK struct {
	Kty string `json:"kty"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Kid string `json:"kid"`
	Use string `json:"use"`
	Alg string `json:"alg"`
}

// JWKS is a JSON Web Key Set.
type JWKS struct {
	Keys []JWK `json:"keys"`
}

// PublicJWK returns k's public half.
func (k Key) PublicJWK() JWK {
	return JWK{Kty: "OKP", Crv: "Ed25519", X: b64(k.public), Kid: k.ID, Use: "sig", Alg: "EdDSA"}
}

// thumbprint is the RFC 7638 thumbprint of an Ed25519 public key: SHA-256
// of the required members in lexicographic order, without whitespace.
func thumbprint(pub ed25519.PublicKey) string {
	sum := sha256.Sum256([]byte(`{"crv":"Ed25519","kty":"OKP","x":"` + b64(pub) + `"}`))
	return b64(sum[:])
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// publicJSON is the JSON of k's public JWK, as published.
func (k Key) publicJSON() []byte {
	b, _ := json.Marshal(k.PublicJWK()) // strings only: cannot fail
	return b
}

// ParseJWK reads one published public key, refusing anything that is not an
// Ed25519 public JWK (a private member "d" included), so the JWKS endpoint
// can only ever serve public keys.
func ParseJWK(data []byte) (JWK, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var k JWK
	if err := dec.Decode(&k); err != nil {
		return JWK{}, fmt.Errorf("assertion: published key: %w", err)
	}
	x, err := base64.RawURLEncoding.DecodeString(k.X)
	if k.Kty != "OKP" || k.Crv != "Ed25519" || k.Alg != "EdDSA" || k.Use != "sig" || err != nil || len(x) != ed25519.PublicKeySize || k.Kid != thumbprint(x) {
		return JWK{}, errors.New("assertion: published key is not a valid Ed25519 public JWK")
	}
	return k, nil
}
