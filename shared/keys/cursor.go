package keys

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"

	"keygate/shared/apperr"
)

// MinCursorKeyLen is the shortest CursorKey NewService accepts.
const MinCursorKeyLen = 32

// maxCursorLen bounds a cursor a client sends back.
const maxCursorLen = 1024

// cursorSealer makes list cursors tamper-evident: a cursor is the store's
// position and an HMAC-SHA256 of the owner and that position, so a cursor
// that was altered in any byte, or issued to another user, is refused before
// it reaches the store.
type cursorSealer struct{ key []byte }

func newCursorSealer(key []byte) (cursorSealer, error) {
	if len(key) < MinCursorKeyLen {
		return cursorSealer{}, errors.New("keys: the cursor key must be at least 32 bytes (CURSOR_KEY)")
	}
	return cursorSealer{key: key}, nil
}

func (c cursorSealer) mac(userID, position string) string {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(userID))
	m.Write([]byte{0})
	m.Write([]byte(position))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// seal returns the cursor for position ("" stays "").
func (c cursorSealer) seal(userID, position string) string {
	if position == "" {
		return ""
	}
	return position + "." + c.mac(userID, position)
}

// open returns the position of a cursor that seal issued to userID, or a
// BadRequest error.
func (c cursorSealer) open(userID, cursor string) (string, error) {
	if cursor == "" {
		return "", nil
	}
	bad := apperr.Errorf(apperr.BadRequest, "invalid cursor: pass nextCursor exactly as it was returned")
	if len(cursor) > maxCursorLen {
		return "", bad
	}
	i := strings.LastIndexByte(cursor, '.')
	if i <= 0 {
		return "", bad
	}
	position, sum := cursor[:i], cursor[i+1:]
	if !hmac.Equal([]byte(sum), []byte(c.mac(userID, position))) {
		return "", bad
	}
	return position, nil
}
