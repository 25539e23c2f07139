package keys

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"keygate/shared/apperr"
)

// MaxKeyNameLen is the longest key name, in characters, after trimming.
const MaxKeyNameLen = 100

// NormalizeKeyName trims a key name and checks it: 1 to MaxKeyNameLen
// characters of valid UTF-8 without control characters or line separators.
// The API, the CLI and the store all apply this one rule. Valid UTF-8 also
// rules out surrogates (their three-byte encodings are invalid), which is
// how a lone surrogate reaches a command line; in a JSON body it arrives
// as a \ud800 escape, which shared/httpapi refuses before decoding,
// because encoding/json would hand this function a U+FFFD instead.
func NormalizeKeyName(name string) (string, error) {
	n := strings.TrimSpace(name)
	if n == "" {
		return "", apperr.Errorf(apperr.BadRequest, "name must not be empty")
	}
	if !utf8.ValidString(n) {
		return "", apperr.Errorf(apperr.BadRequest, "name must be valid UTF-8")
	}
	if utf8.RuneCountInString(n) > MaxKeyNameLen {
		return "", apperr.Errorf(apperr.BadRequest, "name must be at most %d characters", MaxKeyNameLen)
	}
	for _, r := range n {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return "", apperr.Errorf(apperr.BadRequest, "name must not contain control characters")
		}
	}
	return n, nil
}
