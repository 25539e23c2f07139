package httpapi

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"keygate/shared/apperr"
)

// ErrorBody is the error envelope: {"error":{"code":"...","message":"..."}}.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the inside of the error envelope.
type ErrorDetail struct {
	Code    apperr.Code `json:"code"`
	Message string      `json:"message"`
}

// JSON writes v as a JSON response with the given status.
func JSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		// Our own response types always marshal; this is a programming error.
		slog.Error("httpapi: marshal response", "err", err)
		status = http.StatusInternalServerError
		body = []byte(`{"error":{"code":"INTERNAL_SERVER_ERROR","message":"Internal server error"}}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// NoContent writes a 204 response without a body.
func NoContent(w http.ResponseWriter) {
	w.WriteHeader(http.StatusNoContent)
}

// ReasonHeader carries the reason of a refusal (a 403's detail), which
// never goes into the body.
const ReasonHeader = "X-Keygate-Reason"

// Error writes err in the error envelope with the status of its code. The
// message is apperr.MessageOf(err): an infrastructure error is logged at
// error level on logger (with the request's method and route) and the client
// only sees "Internal server error". Every 403 body is the spec's,
// {"error":{"code":"FORBIDDEN","message":"Insufficient access"}}; its reason
// goes in the X-Keygate-Reason header and the log. A refusal for a limit
// (429) carries Retry-After, in whole seconds rounded up, when err says
// when to retry.
func Error(w http.ResponseWriter, r *http.Request, logger *slog.Logger, err error) {
	if logger == nil {
		logger = slog.Default()
	}
	code := apperr.CodeOf(err)
	if code == "" {
		code = apperr.Internal
	}
	message := apperr.MessageOf(err)
	switch code {
	case apperr.Internal:
		logger.LogAttrs(r.Context(), slog.LevelError, "request failed",
			slog.String("method", r.Method), slog.String("route", r.Pattern),
			slog.String("err", err.Error()))
	case apperr.RateLimited, apperr.QuotaExceeded:
		if d := apperr.RetryAfterOf(err); d > 0 {
			w.Header().Set("Retry-After", strconv.FormatInt(int64((d+time.Second-1)/time.Second), 10))
		}
	case apperr.Forbidden:
		message = apperr.ForbiddenMessage
		reason := apperr.ReasonOf(err)
		if reason != "" {
			w.Header().Set(ReasonHeader, reason)
		}
		logger.LogAttrs(r.Context(), slog.LevelInfo, "request refused",
			slog.String("method", r.Method), slog.String("route", r.Pattern), slog.String("reason", reason))
	}
	JSON(w, Status(code), ErrorBody{Error: ErrorDetail{Code: code, Message: message}})
}
