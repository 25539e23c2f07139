package httpapi_test

import (
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"keygate/shared/apperr"
	"keygate/shared/httpapi"
)

// TestRetryAfter: a refusal for a limit says when to retry, in whole
// seconds rounded up; other errors never carry the header.
func TestRetryAfter(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		wantStatus int
		want       string
	}{
		{"rate limited", apperr.Limited(apperr.RateLimited, 12*time.Second, "slow down"), 429, "12"},
		{"rounded up", apperr.Limited(apperr.RateLimited, 1500*time.Millisecond, "slow down"), 429, "2"},
		{"wrapped", fmt.Errorf("ping: %w", apperr.Limited(apperr.QuotaExceeded, time.Hour, "spent")), 429, "3600"},
		{"limited without a time", apperr.Errorf(apperr.RateLimited, "slow down"), 429, ""},
		{"not a limit", &apperr.Error{Code: apperr.Conflict, Message: "x", RetryAfter: time.Second}, 409, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			httpapi.Error(w, httptest.NewRequest("POST", "/x", nil), nil, tt.err)
			if w.Code != tt.wantStatus {
				t.Errorf("status: got %d, want %d", w.Code, tt.wantStatus)
			}
			if got := w.Header().Get("Retry-After"); got != tt.want {
				t.Errorf("Retry-After: got %q, want %q", got, tt.want)
			}
		})
	}
}
