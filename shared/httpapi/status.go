package httpapi

import (
	"maps"
	"net/http"
	"slices"

	"keygate/shared/apperr"
)

// statusByCode is the one table from application error code to HTTP status.
var statusByCode = map[apperr.Code]int{
	apperr.BadRequest:           http.StatusBadRequest,
	apperr.Unauthorized:         http.StatusUnauthorized,
	apperr.Forbidden:            http.StatusForbidden,
	apperr.NotFound:             http.StatusNotFound,
	apperr.Conflict:             http.StatusConflict,
	apperr.PayloadTooLarge:      http.StatusRequestEntityTooLarge,
	apperr.UnsupportedMediaType: http.StatusUnsupportedMediaType,
	apperr.RateLimited:          http.StatusTooManyRequests,
	apperr.QuotaExceeded:        http.StatusTooManyRequests,
	apperr.Internal:             http.StatusInternalServerError,
}

// Status returns the HTTP status of an error code; unknown codes are 500.
func Status(code apperr.Code) int {
	if s, ok := statusByCode[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// Codes returns every code of the table, sorted (for tests and
// documentation: the OpenAPI document's error codes must be these).
func Codes() []apperr.Code {
	return slices.Sorted(maps.Keys(statusByCode))
}
