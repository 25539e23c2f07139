package keys_test

import (
	"regexp"
	"strings"
	"testing"

	"keygate/shared/keys"
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
		{"a truncated sequence", "a\xc3\x28", "", true},
		{"a UTF-8-encoded lone surrogate (CESU-8)", "a\xed\xa0\x80", "", true},
		{"a UTF-8-encoded low surrogate", "\xed\xb0\x80", "", true},
		{"an overlong encoding", "\xc0\xaf", "", true},
		{"invalid UTF-8 behind spaces", "  \xff  ", "", true},
		{"a surrogate pair's character", "key \U0001F511", "key \U0001F511", false},
		{"U+FFFD as such", "\ufffd", "\ufffd", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := keys.NormalizeKeyName(tt.in)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("got %q, %v, want %q, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// idDefinition is the documented id rule, the oracle for ValidID.
var idDefinition = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// FuzzValidID checks that the byte-loop ValidID is exactly the documented rule.
func FuzzValidID(f *testing.F) {
	for _, s := range []string{"", "a", "ws_1-A", "a b", "a*", "ü", strings.Repeat("x", 64), strings.Repeat("x", 65), "a\n", "a/b", "a:b", "../x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := keys.ValidID(s), idDefinition.MatchString(s); got != want {
			t.Fatalf("ValidID(%q) = %v, want %v", s, got, want)
		}
	})
}
