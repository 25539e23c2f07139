package store_test

import (
	"strings"
	"testing"

	"keygate/shared/store"
)

func TestNormalizeKeyName(t *testing.T) {
	tests := []struct {
		name, in, want string
		wantErr        bool
	}{
		{"plain", "CI pipeline", "CI pipeline", false},
		{"trimmed", "  prod \t", "prod", false},
		{"unicode counts characters", strings.Repeat("é", 100), strings.Repeat("é", 100), false},
		{"empty", "", "", true},
		{"blank", "   ", "", true},
		{"too long", strings.Repeat("a", 101), "", true},
		{"newline inside", "a\nb", "", true},
		{"NUL", "a\x00b", "", true},
		{"line separator", "a\u2028b", "", true},
		{"invalid UTF-8", "a\xffb", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := store.NormalizeKeyName(tt.in)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("got %q, %v, want %q, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}
