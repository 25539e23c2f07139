package apikey

import (
	"crypto/sha256"
	"encoding/hex"
)

// maxTokenLen is the longest well-formed token: the longest prefix, "_" and
// the body.
const maxTokenLen = maxPrefixLen + 1 + bodyLen

// Hash returns the lowercase hex SHA-256 of the whole token: the value the
// store keeps and compares. Like the token, it never goes into logs.
func Hash(token string) string {
	var sum [sha256.Size]byte
	if len(token) <= maxTokenLen {
		// Copy into a stack buffer: []byte(token) would allocate.
		var buf [maxTokenLen]byte
		sum = sha256.Sum256(buf[:copy(buf[:], token)])
	} else {
		sum = sha256.Sum256([]byte(token))
	}
	var out [2 * sha256.Size]byte
	hex.Encode(out[:], sum[:])
	return string(out[:])
}
