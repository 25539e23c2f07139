package oidcprovider

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"time"
)

// grant is an authorization code's request.
type grant struct {
	clientID, redirectURI, challenge, scope, subject string
}

// SignIn configures the authorization endpoint: the client it serves,
// the user who signs in (no form: the stand-in signs them in at once) and
// the scope of the token it issues.
type SignIn struct {
	ClientID, Subject, Scope string
}

// SetSignIn sets who signs in at the authorization endpoint.
func (p *Provider) SetSignIn(s SignIn) { p.signIn.Store(&s) }

// authorize is the authorization endpoint (RFC 6749 4.1, PKCE RFC 7636
// with S256 only): it redirects back with a code at once.
func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s := p.signIn.Load()
	switch {
	case s == nil:
		http.Error(w, "no sign-in configured", http.StatusInternalServerError)
		return
	case q.Get("response_type") != "code" || q.Get("client_id") != s.ClientID || q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "":
		http.Error(w, "invalid_request", http.StatusBadRequest)
		return
	}
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || redirect.Host == "" {
		http.Error(w, "invalid redirect_uri", http.StatusBadRequest)
		return
	}
	code := randomString()
	p.mu.Lock()
	p.codes[code] = grant{clientID: s.ClientID, redirectURI: q.Get("redirect_uri"), challenge: q.Get("code_challenge"), scope: s.Scope, subject: s.Subject}
	p.mu.Unlock()
	back := redirect.Query()
	back.Set("code", code)
	back.Set("state", q.Get("state"))
	redirect.RawQuery = back.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

// token is the token endpoint for authorization codes, for a public client
// (no secret: PKCE's verifier proves the code is the requester's).
func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Access-Control-Allow-Headers", "Content-Type")
	if r.Method == http.MethodOptions {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, "invalid_request", http.StatusBadRequest)
		return
	}
	code := r.PostForm.Get("code")
	p.mu.Lock()
	g, ok := p.codes[code]
	delete(p.codes, code)
	p.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	if !ok || r.PostForm.Get("grant_type") != "authorization_code" || r.PostForm.Get("client_id") != g.clientID ||
		r.PostForm.Get("redirect_uri") != g.redirectURI || base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge {
		w.WriteHeader(http.StatusBadRequest)
		writeJSON(w, map[string]string{"error": "invalid_grant"})
		return
	}
	token := p.Sign(nopTB{}, "rsa-1", Claims{"sub": g.subject, "scope": g.scope, "client_id": g.clientID,
		"exp": time.Now().Add(time.Hour).Unix()})
	writeJSON(w, map[string]any{"access_token": token, "token_type": "Bearer", "expires_in": 3600})
}

func randomString() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
