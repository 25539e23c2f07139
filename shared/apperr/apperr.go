package apperr

import (
	"errors"
	"fmt"
	"time"
)

// Code identifies a class of application error. Its values are the codes
// clients see in the error envelope.
type Code string

// The application error codes. Each maps to one HTTP status in shared/httpapi.
const (
	BadRequest           Code = "BAD_REQUEST"
	Unauthorized         Code = "UNAUTHORIZED"
	Forbidden            Code = "FORBIDDEN"
	NotFound             Code = "NOT_FOUND"
	Conflict             Code = "CONFLICT"
	PayloadTooLarge      Code = "PAYLOAD_TOO_LARGE"
	UnsupportedMediaType Code = "UNSUPPORTED_MEDIA_TYPE"
	RateLimited          Code = "RATE_LIMITED"
	QuotaExceeded        Code = "QUOTA_EXCEEDED"
	Internal             Code = "INTERNAL_SERVER_ERROR"
)

// internalMessage is what clients see for any error that is not an *Error.
const internalMessage = "Internal server error"

// ForbiddenMessage is the message of every FORBIDDEN error, the spec's:
// {"error":{"code":"FORBIDDEN","message":"Insufficient access"}}.
const ForbiddenMessage = "Insufficient access"

// Error is an application error: a code and a message safe to show clients,
// and for a refusal the reason, which goes to a header and the log but never
// into the body.
type Error struct {
	Code    Code
	Message string
	Reason  string
	// RetryAfter, for RATE_LIMITED and QUOTA_EXCEEDED, is when the request
	// may succeed; transports send it as Retry-After (0: no header).
	RetryAfter time.Duration
}

// Error returns the code and message.
func (e *Error) Error() string {
	if e.Reason != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, e.Reason)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ForbiddenBecause returns the FORBIDDEN error with the spec's message and
// reason (an upper-case word such as ADMIN_SCOPE_REQUIRED) as its detail.
func ForbiddenBecause(reason string) *Error {
	return &Error{Code: Forbidden, Message: ForbiddenMessage, Reason: reason}
}

// Limited returns the error of a refusal for a limit (RateLimited or
// QuotaExceeded) that may succeed after retryAfter.
func Limited(code Code, retryAfter time.Duration, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), RetryAfter: retryAfter}
}

// RetryAfterOf returns the RetryAfter of the first *Error in err's chain,
// or 0.
func RetryAfterOf(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}

// ReasonOf returns the reason of the first *Error in err's chain, or "".
func ReasonOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}

// CodeOf returns the code of the first *Error in err's chain, Internal when
// there is none, and "" for a nil error.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Code != "" {
		return e.Code
	}
	return Internal
}

// MessageOf returns the client-safe message of err: the message of the first
// *Error in its chain, or a generic message for any other error, so internal
// error text never reaches a client.
func MessageOf(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Code != "" && e.Code != Internal {
		return e.Message
	}
	return internalMessage
}

// Is reports whether err carries the given code.
func Is(err error, code Code) bool {
	return err != nil && CodeOf(err) == code
}
