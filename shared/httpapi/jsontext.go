package httpapi

import (
	"unicode/utf8"

	"keygate/shared/apperr"
)

// MaxJSONDepth is the deepest nesting of objects and arrays a request body
// may have. keygate's bodies are at most two levels deep ({"rateLimit":{…}}
// or {"scopes":[…]}); a deeper one is refused before it is decoded, in one
// pass over its bytes, because encoding/json's recursion on tens of
// thousands of levels takes long.
const MaxJSONDepth = 32

// checkText refuses, before any decoding, what encoding/json would accept
// silently or slowly:
//   - bytes that are not UTF-8, and \u escapes of lone UTF-16 surrogates
//     (a \ud800–\udbff not followed by a \udc00–\udfff escape, or a
//     \udc00–\udfff not preceded by one): json turns both into U+FFFD, so
//     what was sent would not be what is stored. The escapes are looked for
//     in the raw text, where they can still be seen;
//   - nesting of objects and arrays deeper than MaxJSONDepth.
//
// Brackets and escapes inside strings are skipped as such. Anything else
// malformed is left to the decoder, which names it.
func checkText(body []byte) error {
	if !utf8.Valid(body) {
		return apperr.Errorf(apperr.BadRequest, "request body is not valid UTF-8 (byte %d)", invalidUTF8At(body))
	}
	depth := 0
	for i := 0; i < len(body); i++ {
		switch body[i] {
		case '{', '[':
			depth++
			if depth > MaxJSONDepth {
				return apperr.Errorf(apperr.BadRequest, "request body is too deeply nested: at most %d levels of objects and arrays", MaxJSONDepth)
			}
		case '}', ']':
			depth--
		case '"':
			end, err := scanString(body, i+1)
			if err != nil {
				return err
			}
			i = end
		}
	}
	return nil
}

// scanString reads the string whose contents start at b[i] and returns the
// index of its closing quote (len(b) when there is none), or a BadRequest
// for an escaped lone surrogate.
func scanString(b []byte, i int) (int, error) {
	for ; i < len(b); i++ {
		switch b[i] {
		case '"':
			return i, nil
		case '\\':
			u, ok := escapedUnit(b, i)
			switch {
			case !ok: // \n, \" and the like, or a malformed \u for the decoder
				i++
			case u >= 0xd800 && u <= 0xdbff:
				if low, ok := escapedUnit(b, i+6); !ok || low < 0xdc00 || low > 0xdfff {
					return 0, loneSurrogate(b, i)
				}
				i += 11 // the pair
			case u >= 0xdc00 && u <= 0xdfff:
				return 0, loneSurrogate(b, i)
			default:
				i += 5
			}
		}
	}
	return len(b), nil
}

// escapedUnit returns the UTF-16 code unit of a \uXXXX escape at b[i].
func escapedUnit(b []byte, i int) (rune, bool) {
	if i+6 > len(b) || b[i] != '\\' || b[i+1] != 'u' {
		return 0, false
	}
	var u rune
	for _, c := range b[i+2 : i+6] {
		switch {
		case c >= '0' && c <= '9':
			u = u<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			u = u<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			u = u<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return u, true
}

// loneSurrogate is the error of the escape at b[i]; the escape is quoted as
// sent (six bytes of ASCII, so safe to echo).
func loneSurrogate(b []byte, i int) error {
	return apperr.Errorf(apperr.BadRequest,
		"request body holds a lone UTF-16 surrogate %s (byte %d): a \\ud800-\\udbff escape must be followed by a \\udc00-\\udfff one",
		b[i:i+6], i)
}

// invalidUTF8At returns the offset of the first byte of b that does not
// begin a valid UTF-8 sequence.
func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(b)
}
