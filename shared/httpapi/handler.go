package httpapi

import (
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/awslabs/aws-lambda-go-api-proxy/core"

	"keygate/shared/access"
	"keygate/shared/apperr"
)

// Options configure Wrap.
type Options struct {
	// AllowOrigin is the CORS origin (DefaultAllowOrigin when empty).
	AllowOrigin string
	// Logger receives one line per request and every internal error
	// (slog.Default() when nil). Bodies are never logged.
	Logger *slog.Logger
}

// Wrap returns mux behind keygate's common behaviour: CORS and security
// headers on every response, 204 for CORS preflight (OPTIONS), a NOT_FOUND
// envelope for unknown routes and for paths that are not clean (dot segments,
// double or encoded slashes) instead of ServeMux's redirects and plain-text
// pages, a BAD_REQUEST for ReadHeaders that are not valid UTF-8, recovery of panics as INTERNAL_SERVER_ERROR, and one log line per
// request (method, route pattern, status, duration and API Gateway request
// id; never headers, query strings or bodies).
func Wrap(mux *http.ServeMux, o Options) http.Handler {
	logger := o.Logger
	if logger == nil {
		logger = slog.Default()
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		SetCORS(w.Header(), o.AllowOrigin)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Cache-Control", "no-store")
		// A limited key's RateLimit headers, from the authorizer's view.
		if id, err := access.IdentityFromContext(r.Context()); err == nil {
			access.SetRateLimitHeaders(w.Header(), id)
		}
		rec := &statusRecorder{ResponseWriter: w}
		route := serve(mux, rec, r, logger)
		attrs := []slog.Attr{slog.String("method", r.Method), slog.String("route", route),
			slog.Int("status", rec.status), slog.Duration("duration", time.Since(start))}
		if rc, ok := core.GetAPIGatewayContextFromContext(r.Context()); ok {
			attrs = append(attrs, slog.String("requestId", rc.RequestID))
		}
		logger.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
	})
}

// serve dispatches r and returns the matched route pattern for the log.
func serve(mux *http.ServeMux, w *statusRecorder, r *http.Request, logger *slog.Logger) (route string) {
	defer func() {
		if v := recover(); v != nil {
			logger.LogAttrs(r.Context(), slog.LevelError, "panic", slog.Any("panic", v), slog.String("route", route))
			if w.status == 0 {
				Error(w, r, logger, apperr.Errorf(apperr.Internal, "panic"))
			}
		}
	}()
	if r.Method == http.MethodOptions {
		w.WriteHeader(http.StatusNoContent)
		return "OPTIONS"
	}
	if !cleanPath(r) {
		Error(w, r, logger, apperr.Errorf(apperr.NotFound, "Route not found"))
		return "(unclean path)"
	}
	_, pattern := mux.Handler(r)
	if pattern == "" {
		Error(w, r, logger, apperr.Errorf(apperr.NotFound, "Route not found"))
		return "(none)"
	}
	if err := checkHeaders(r); err != nil {
		Error(w, r, logger, err)
		return pattern
	}
	mux.ServeHTTP(w, r) // sets r.Pattern and the path values
	return r.Pattern
}

// cleanPath reports whether r's path is canonical: no dot segments, no empty
// segments and no escaped slashes, so a path parameter can never traverse.
func cleanPath(r *http.Request) bool {
	p := r.URL.Path
	if p == "" || p[0] != '/' || strings.Contains(r.URL.RawPath, "%2F") || strings.Contains(r.URL.RawPath, "%2f") {
		return false
	}
	c := path.Clean(p)
	if strings.HasSuffix(p, "/") && p != "/" {
		c += "/"
	}
	return c == p && !strings.Contains(p, "//")
}

// statusRecorder remembers the status written, for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

// WriteHeader records the first status and passes it on.
func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

// Write records an implicit 200 and passes the body on.
func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}
