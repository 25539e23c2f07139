package apikey

import (
	"errors"
	"strconv"
)

// The rules Parse checks, in this order. Every error Parse (and Generate, for
// a bad prefix) returns wraps exactly one of them; test with errors.Is.
var (
	// ErrPrefix means the token does not start with "<prefix>_", or the
	// prefix itself is not valid.
	ErrPrefix = errors.New("apikey: wrong prefix")
	// ErrLength means the token has the wrong number of characters.
	ErrLength = errors.New("apikey: wrong length")
	// ErrAlphabet means the body holds a character outside 0-9A-Za-z.
	ErrAlphabet = errors.New("apikey: character outside base62")
	// ErrChecksum means the CRC32 does not match the rest of the token.
	ErrChecksum = errors.New("apikey: checksum mismatch")
)

// parseError adds detail to a rule error. It never holds token characters,
// only the (non-secret) prefix and positions or lengths, and formats lazily
// so a rejected token costs one allocation.
type parseError struct {
	rule   error
	prefix string // ErrPrefix
	got    int    // ErrLength: length seen; ErrAlphabet: byte offset
	want   int    // ErrLength: length expected
}

// Error describes the rule that failed.
func (e *parseError) Error() string {
	switch e.rule {
	case ErrPrefix:
		if !ValidPrefix(e.prefix) {
			return e.rule.Error() + ": invalid prefix " + strconv.Quote(e.prefix) + " (want ^[a-z][a-z0-9]{0,15}$)"
		}
		return e.rule.Error() + ": want " + strconv.Quote(e.prefix+"_")
	case ErrLength:
		return e.rule.Error() + ": want " + strconv.Itoa(e.want) + " characters, got " + strconv.Itoa(e.got)
	case ErrAlphabet:
		return e.rule.Error() + " at offset " + strconv.Itoa(e.got)
	}
	return e.rule.Error()
}

// Unwrap returns the rule that failed.
func (e *parseError) Unwrap() error { return e.rule }
