package apperr

import (
	"errors"
	"fmt"
	"testing"
)

func TestCodeAndMessage(t *testing.T) {
	tests := []struct {
		name        string
		err         error
		wantCode    Code
		wantMessage string
	}{
		{"nil", nil, "", ""},
		{"application error", Errorf(NotFound, "key %s not found", "abc"), NotFound, "key abc not found"},
		{"wrapped application error", fmt.Errorf("get: %w", Errorf(Conflict, "exists")), Conflict, "exists"},
		{"infrastructure error hides its text", errors.New("dial tcp 10.0.0.1: refused"), Internal, "Internal server error"},
		{"internal code hides its text", Errorf(Internal, "secret detail"), Internal, "Internal server error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CodeOf(tt.err); got != tt.wantCode {
				t.Errorf("CodeOf: got %q, want %q", got, tt.wantCode)
			}
			if got := MessageOf(tt.err); got != tt.wantMessage {
				t.Errorf("MessageOf: got %q, want %q", got, tt.wantMessage)
			}
		})
	}
}

func TestIs(t *testing.T) {
	err := fmt.Errorf("wrap: %w", Errorf(NotFound, "x"))
	if !Is(err, NotFound) {
		t.Errorf("Is(NotFound): got false, want true")
	}
	if Is(err, Conflict) {
		t.Errorf("Is(Conflict): got true, want false")
	}
	if Is(nil, Internal) {
		t.Errorf("Is(nil): got true, want false")
	}
}
