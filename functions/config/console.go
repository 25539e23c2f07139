package config

import (
	"embed"
	"net/http"

	"keygate/shared/httpapi"
)

// The API Keys page: plain HTML, CSS and JavaScript served as they are, no
// build step, no third-party asset.
//
//go:embed console/index.html console/app.css console/app.js
var consoleFiles embed.FS

// consoleCSP allows the page's own script, style and API calls and nothing
// else: no inline script or style, no other origin (but the provider's
// token endpoint, with a sign-in provider), no framing.
func consoleCSP(connect string) string {
	if connect != "" {
		connect = " " + connect
	}
	return "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'" + connect + "; img-src 'self' data:; " +
		"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}

// serveConsole answers one of the page's files, read once at start.
func serveConsole(name, contentType string, signIn *consoleSignIn) httpapi.HandlerFunc {
	body, err := consoleFiles.ReadFile("console/" + name)
	if err != nil {
		panic("config: embedded console file " + name + ": " + err.Error()) // embedded at build time
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		// Reads the provider again if it could not be read at start (at
		// most every retryDiscovery), so the policy names its token
		// endpoint as soon as signin.json does.
		signIn.provider(r.Context())
		h := w.Header()
		h.Set("Content-Type", contentType)
		h.Set("Content-Security-Policy", consoleCSP(signIn.connectSources()))
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
		return nil
	}
}
