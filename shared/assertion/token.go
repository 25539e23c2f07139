package assertion

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"

	"keygate/shared/access"
	"keygate/shared/keys"
)

// Claims are the identity one assertion carries, apart from its workspaces.
type Claims struct {
	// Issuer is the API's URL; "" uses the Signer's.
	Issuer string
	UserID string
	KeyID  string
	Scopes []keys.Scope
	// NotAfter, when set, caps exp: an assertion made for an access
	// token never outlives the token.
	NotAfter time.Time
}

// Signer signs assertions with the Holder's current key.
type Signer struct {
	holder   *Holder
	issuer   string
	audience string
	lifetime time.Duration
}

// NewSigner returns a Signer for audience (the upstream's URL) whose
// assertions live lifetime. issuer is the default iss ("" leaves it to each
// Claims).
func NewSigner(h *Holder, issuer, audience string, lifetime time.Duration) *Signer {
	return &Signer{holder: h, issuer: issuer, audience: audience, lifetime: lifetime}
}

// For returns the assertion of c issued at now, as the access.Asserter
// that access.Allow signs once it knows which workspaces fit.
func (s *Signer) For(c Claims, now time.Time) *Request {
	if c.Issuer == "" {
		c.Issuer = s.issuer
	}
	return &Request{s: s, c: c, now: now, key: s.holder.Signing(now)}
}

// Request is one assertion to sign (see Signer.For).
type Request struct {
	s   *Signer
	c   Claims
	now time.Time
	key Key
	// payload caches the last payload built, for its overflow flag.
	payload  []byte
	builtFor int // 0 none, 1 list, 2 overflow
}

var _ access.Asserter = (*Request)(nil)

// sigLen is the length of an Ed25519 signature in base64url.
var sigLen = base64.RawURLEncoding.EncodedLen(ed25519.SignatureSize)

// AssertionLen returns the length of the assertion Assert returns for ws and
// overflow.
func (r *Request) AssertionLen(ws []access.WorkspaceRole, overflow bool) int {
	p := r.build(ws, overflow)
	return len(r.key.header) + 1 + base64.RawURLEncoding.EncodedLen(len(p)) + 1 + sigLen
}

// Assert signs the assertion for ws (or, with overflow, for none and
// workspacesOverflow true).
func (r *Request) Assert(ws []access.WorkspaceRole, overflow bool) (string, error) {
	p := r.build(ws, overflow)
	h := r.key.header
	n := len(h) + 1 + base64.RawURLEncoding.EncodedLen(len(p))
	buf := make([]byte, 0, n+1+sigLen)
	buf = append(buf, h...)
	buf = append(buf, '.')
	buf = base64.RawURLEncoding.AppendEncode(buf, p)
	sig := ed25519.Sign(r.key.private, buf[:n])
	buf = append(buf, '.')
	buf = base64.RawURLEncoding.AppendEncode(buf, sig)
	return string(buf), nil
}

// build returns the JSON payload, compact, members in a fixed order.
func (r *Request) build(ws []access.WorkspaceRole, overflow bool) []byte {
	want := 1
	if overflow {
		want = 2
	}
	if r.builtFor == want {
		return r.payload
	}
	iat := r.now.Unix()
	b := make([]byte, 0, 256+40*len(ws))
	b = append(b, `{"iss":`...)
	b = appendString(b, r.c.Issuer)
	b = append(b, `,"aud":`...)
	b = appendString(b, r.s.audience)
	b = append(b, `,"sub":`...)
	b = appendString(b, r.c.UserID)
	b = append(b, `,"keyId":`...)
	b = appendString(b, r.c.KeyID)
	b = append(b, `,"scopes":[`...)
	for i, sc := range r.c.Scopes {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, string(sc))
	}
	b = append(b, `],"workspaces":{`...)
	if !overflow {
		for i, w := range ws {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, w.WorkspaceID)
			b = append(b, ':')
			b = appendString(b, string(w.Role))
		}
	}
	b = append(b, '}')
	if overflow {
		b = append(b, `,"workspacesOverflow":true`...)
	}
	b = append(b, `,"iat":`...)
	b = strconv.AppendInt(b, iat, 10)
	b = append(b, `,"exp":`...)
	exp := r.now.Add(r.s.lifetime)
	if !r.c.NotAfter.IsZero() && r.c.NotAfter.Before(exp) {
		exp = r.c.NotAfter
	}
	b = strconv.AppendInt(b, exp.Unix(), 10)
	b = append(b, '}')
	r.payload, r.builtFor = b, want
	return b
}

// appendString appends s as a JSON string. Ids, scopes and roles are plain
// ASCII; issuer and audience are URLs; anything else is escaped as
// encoding/json would.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			q, _ := json.Marshal(s) // a string: cannot fail
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
