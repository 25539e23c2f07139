package apikey_test

import (
	"errors"
	"strings"
	"testing"

	"keygate/shared/apikey"
)

// validToken is a fixed well-formed token (id "0123456789abcdef", secret of
// 43 'A's) built with the test's own encoder.
var validToken = encode("sk", "0123456789abcdef", strings.Repeat("A", 43))

func TestParseValid(t *testing.T) {
	id, err := apikey.Parse(validToken, "sk")
	if err != nil {
		t.Fatalf("Parse: got error %v, want nil", err)
	}
	if want := "0123456789abcdef"; id != want {
		t.Errorf("Parse: got id %q, want %q", id, want)
	}
}

func TestParseErrors(t *testing.T) {
	flip := func(s string, i int, c byte) string { b := []byte(s); b[i] = c; return string(b) }
	last := len(validToken) - 1
	tests := []struct {
		name   string
		token  string
		prefix string
		want   error
	}{
		{"empty token", "", "sk", apikey.ErrPrefix},
		{"other prefix", "pk" + validToken[2:], "sk", apikey.ErrPrefix},
		{"prefix without underscore", "sk" + validToken[3:], "sk", apikey.ErrPrefix},
		{"prefix only", "sk", "sk", apikey.ErrPrefix},
		{"upper-case prefix", "SK" + validToken[2:], "sk", apikey.ErrPrefix},
		{"longer prefix in token", "skx" + validToken[2:], "sk", apikey.ErrPrefix},
		{"invalid configured prefix", validToken, "", apikey.ErrPrefix},
		{"invalid configured prefix with underscore", validToken, "s_", apikey.ErrPrefix},
		{"bearer scheme left in", "Bearer " + validToken, "sk", apikey.ErrPrefix},
		{"prefix and underscore only", "sk_", "sk", apikey.ErrLength},
		{"one character short", validToken[:last], "sk", apikey.ErrLength},
		{"one character long", validToken + "0", "sk", apikey.ErrLength},
		{"trailing newline", validToken + "\n", "sk", apikey.ErrLength},
		{"short and non-base62", "sk_!!!", "sk", apikey.ErrLength},
		{"dash in id", flip(validToken, 3, '-'), "sk", apikey.ErrAlphabet},
		{"space in secret", flip(validToken, 30, ' '), "sk", apikey.ErrAlphabet},
		{"underscore in crc", flip(validToken, last, '_'), "sk", apikey.ErrAlphabet},
		{"non-ASCII byte", flip(validToken, 40, 0xc3), "sk", apikey.ErrAlphabet},
		{"changed id", flip(validToken, 3, '1'), "sk", apikey.ErrChecksum},
		{"changed secret", flip(validToken, 40, 'B'), "sk", apikey.ErrChecksum},
		{"changed crc", flip(validToken, last, flipBase62(validToken[last])), "sk", apikey.ErrChecksum},
		{"crc above 2^32", validToken[:last-5] + "zzzzzz", "sk", apikey.ErrChecksum},
		{"swapped id characters", validToken[:3] + "10" + validToken[5:], "sk", apikey.ErrChecksum},
	}
	rules := []error{apikey.ErrPrefix, apikey.ErrLength, apikey.ErrAlphabet, apikey.ErrChecksum}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := apikey.Parse(tt.token, tt.prefix)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Parse: got error %v, want %v", err, tt.want)
			}
			for _, r := range rules {
				if r != tt.want && errors.Is(err, r) {
					t.Errorf("Parse: error %v also matches %v, want only %v", err, r, tt.want)
				}
			}
			if id != "" {
				t.Errorf("Parse: got id %q, want empty on error", id)
			}
			if strings.Contains(err.Error(), validToken[3:19]) {
				t.Errorf("Parse: error %q echoes token characters", err)
			}
		})
	}
}

// TestParseRejectsEverySubstitution replaces each character of valid tokens
// with every other base62 character and with a non-alphabet byte. CRC32
// detects every burst error of up to 32 bits, so each substitution in the
// body must fail the checksum (or the alphabet rule), never be accepted.
func TestParseRejectsEverySubstitution(t *testing.T) {
	tokens := []string{validToken}
	for range 20 {
		tokens = append(tokens, mustGenerate(t, apikey.DefaultPrefix).Token)
	}
	checked := 0
	for n, token := range tokens {
		b := []byte(token)
		for i := range b {
			orig := b[i]
			for _, c := range []byte(testAlphabet + "-") {
				if c == orig {
					continue
				}
				b[i] = c
				_, err := apikey.Parse(string(b), apikey.DefaultPrefix)
				b[i] = orig
				checked++
				var want error
				switch {
				case i < 3:
					want = apikey.ErrPrefix
				case c == '-':
					want = apikey.ErrAlphabet
				default:
					want = apikey.ErrChecksum
				}
				if !errors.Is(err, want) {
					t.Fatalf("token %d, position %d -> %q: got error %v, want %v", n, i, c, err, want)
				}
			}
		}
	}
	// Per token: 62 alternatives at each position, plus one more at the
	// underscore, which is itself outside the alphabet.
	if want := len(tokens) * (len(validToken)*62 + 1); checked != want {
		t.Errorf("substitutions checked: got %d, want %d", checked, want)
	}
}

// flipBase62 returns a base62 character other than c.
func flipBase62(c byte) byte {
	if c == '0' {
		return '1'
	}
	return '0'
}
