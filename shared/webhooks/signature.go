package webhooks

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Every delivery is signed twice, in one place (SignatureHeaders):
//
//   - spec 003's X-Webhook-Signature: the lowercase hex HMAC-SHA256 of the
//     body, keyed with the secret string as the user holds it
//     (crypto.createHmac("sha256", secret) in the spec's snippet);
//   - Standard Webhooks 1.0's webhook-signature: "v1," and the standard
//     base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>",
//     keyed with the bytes the secret encodes (base64 after "whsec_", as
//     the standard's libraries read it), once for every secret that signs
//     the delivery, space-separated.
//
// The standard's headers (lowercase, as it writes them; HTTP header names
// are case-insensitive).
const (
	HeaderStandardID        = "webhook-id"
	HeaderStandardTimestamp = "webhook-timestamp"
	HeaderStandardSignature = "webhook-signature"
)

// SecretPrefix starts every signing secret.
const SecretPrefix = "whsec_"

// SecretBytes is how many random bytes a new secret encodes: the standard
// asks for 24 to 64.
const SecretBytes = 32

// NewSecret returns a new signing secret: "whsec_" and the standard base64
// of SecretBytes bytes from crypto/rand, the form the standard's libraries
// (npm standardwebhooks, svix) read.
func NewSecret() string {
	b := make([]byte, SecretBytes)
	_, _ = rand.Read(b) // never fails
	return SecretPrefix + base64.StdEncoding.EncodeToString(b)
}

// SecretKey returns the bytes secret encodes: the HMAC key of its
// webhook-signature. It reads the standard base64 of new secrets and the
// unpadded base64url of secrets issued before Standard Webhooks, so both
// sign with the same 32 random bytes (the two alphabets share every
// character but "+/" and "-_", and a secret uses one or the other).
func SecretKey(secret string) ([]byte, error) {
	s, ok := strings.CutPrefix(secret, SecretPrefix)
	if !ok {
		return nil, fmt.Errorf("webhooks: a signing secret starts with %s", SecretPrefix)
	}
	s = strings.TrimRight(s, "=")
	if strings.ContainsAny(s, "+/") && strings.ContainsAny(s, "-_") {
		return nil, fmt.Errorf("webhooks: a signing secret mixes base64 alphabets")
	}
	s = strings.NewReplacer("-", "+", "_", "/").Replace(s)
	key, err := base64.RawStdEncoding.DecodeString(s)
	if err != nil || len(key) == 0 {
		return nil, fmt.Errorf("webhooks: a signing secret is base64 after %s", SecretPrefix)
	}
	return key, nil
}

// StandardSecret returns secret in the form the standard's libraries read:
// "whsec_" and the padded standard base64 of its key. A new secret is
// returned as it is; one issued before Standard Webhooks (base64url) is
// re-encoded, the same key in another alphabet.
func StandardSecret(secret string) (string, error) {
	key, err := SecretKey(secret)
	if err != nil {
		return "", err
	}
	return SecretPrefix + base64.StdEncoding.EncodeToString(key), nil
}

// Sign returns the X-Webhook-Signature of body: the lowercase hex
// HMAC-SHA256 of the body's bytes, keyed with the secret string itself
// (spec 003: crypto.createHmac("sha256", secret)).
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// SignStandard returns one webhook-signature entry: "v1," and the standard
// base64 of the HMAC-SHA256, under key, of "<id>.<timestamp>.<body>".
func SignStandard(key []byte, id string, timestamp int64, body []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id))
	m.Write([]byte{'.'})
	m.Write([]byte(strconv.FormatInt(timestamp, 10)))
	m.Write([]byte{'.'})
	m.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// SignatureHeaders returns every signature header of one attempt to send
// body as delivery id at time at, signed with secrets: the endpoint's
// current secret first, then any previous one still in its rotation's
// overlap (Webhook.SigningSecrets).
//
//   - X-Webhook-Id, X-Webhook-Timestamp (unix seconds) and
//     X-Webhook-Signature (spec 003), the last with the current secret only;
//   - webhook-id, webhook-timestamp (the same values) and webhook-signature
//     (Standard Webhooks 1.0) with one "v1,…" per secret, space-separated.
//
// A secret that does not decode (none keygate issued) is left out of
// webhook-signature; with no secret at all the result is empty.
func SignatureHeaders(secrets []string, id string, at time.Time, body []byte) http.Header {
	h := http.Header{}
	if len(secrets) == 0 {
		return h
	}
	ts := at.Unix()
	tss := strconv.FormatInt(ts, 10)
	h.Set(HeaderID, id)
	h.Set(HeaderTimestamp, tss)
	h.Set(HeaderSignature, Sign(secrets[0], body))
	var sigs []string
	for _, s := range secrets {
		if key, err := SecretKey(s); err == nil {
			sigs = append(sigs, SignStandard(key, id, ts, body))
		}
	}
	h.Set(HeaderStandardID, id)
	h.Set(HeaderStandardTimestamp, tss)
	if len(sigs) > 0 {
		h.Set(HeaderStandardSignature, strings.Join(sigs, " "))
	}
	return h
}

// SignedHeaders is SignatureHeaders for an attempt to w at time at, with
// the secrets that sign it then (Webhook.SigningSecrets): what the
// Deliverer sets on every attempt.
func (w Webhook) SignedHeaders(id string, at time.Time, body []byte) http.Header {
	return SignatureHeaders(w.SigningSecrets(at), id, at, body)
}
