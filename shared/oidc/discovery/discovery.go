// Package discovery reads an OpenID provider's discovery document (OpenID
// Connect Discovery 1.0) and checks the provider's URLs: what the
// authorizer needs for the JWKS and the API Keys page for signing in, with
// no JOSE code (the page's function links only this).
package discovery

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Document is the part of a discovery document keygate reads.
type Document struct {
	Issuer                string `json:"issuer"`
	JWKSURI               string `json:"jwks_uri"`
	AuthorizationEndpoint string `json:"authorization_endpoint"`
	TokenEndpoint         string `json:"token_endpoint"`
}

// MaxDocument bounds a document read from the provider.
const MaxDocument = 1 << 20

// Timeout bounds one read of the provider's documents.
const Timeout = 5 * time.Second

// NewClient is the client of the provider's documents: bounded, and
// following no redirects (the documents never move on purpose, and a
// redirect could steer a read to an internal address).
func NewClient() *http.Client {
	return &http.Client{Timeout: Timeout, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Fetch reads <issuer>/.well-known/openid-configuration. Its issuer must be
// issuer (section 4.3), and its URLs pass CheckURL.
func Fetch(ctx context.Context, client *http.Client, issuer string, allowLoopbackHTTP bool) (Document, error) {
	var d Document
	if err := GetJSON(ctx, client, strings.TrimSuffix(issuer, "/")+"/.well-known/openid-configuration", &d); err != nil {
		return Document{}, err
	}
	if d.Issuer != issuer {
		return Document{}, fmt.Errorf("oidc: the discovery document's issuer %q is not %q", d.Issuer, issuer)
	}
	for name, u := range map[string]string{"jwks_uri": d.JWKSURI, "authorization_endpoint": d.AuthorizationEndpoint, "token_endpoint": d.TokenEndpoint} {
		if u == "" {
			continue
		}
		if err := CheckURL(name, u, allowLoopbackHTTP); err != nil {
			return Document{}, err
		}
	}
	return d, nil
}

// GetJSON reads one JSON document of the provider.
func GetJSON(ctx context.Context, client *http.Client, url string, into any) error {
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("oidc: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("oidc: read %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("oidc: read %s: status %d", url, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxDocument+1))
	if err != nil {
		return fmt.Errorf("oidc: read %s: %w", url, err)
	}
	if len(body) > MaxDocument {
		return fmt.Errorf("oidc: read %s: larger than %d bytes", url, MaxDocument)
	}
	if err := json.Unmarshal(body, into); err != nil {
		return fmt.Errorf("oidc: read %s: %w", url, err)
	}
	return nil
}

// CheckURL admits https URLs without credentials, query or fragment, and
// http ones on a loopback host when allowLoopbackHTTP is set (the local
// stack's stand-in provider).
func CheckURL(name, raw string, allowLoopbackHTTP bool) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("oidc: %s %q: want an https URL without credentials, query or fragment", name, raw)
	}
	switch {
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && allowLoopbackHTTP && isLoopback(u.Hostname()):
		return nil
	case u.Scheme == "http" && isLoopback(u.Hostname()):
		return fmt.Errorf("oidc: %s %q: http is allowed only for a loopback provider of the local stack", name, raw)
	}
	return fmt.Errorf("oidc: %s %q: want https", name, raw)
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Origin is a URL's scheme and host, as a Content-Security-Policy source
// ("" for a URL without them).
func Origin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}
