package apikey

import (
	"crypto/rand"
	"hash/crc32"
)

// Token layout, after "<prefix>_".
const (
	idLen     = 16 // base62 ≈ 95 bits: the lookup key
	secretLen = 43 // base62 ≈ 256.03 bits
	crcLen    = 6  // base62 of a uint32, zero-padded
	bodyLen   = idLen + secretLen + crcLen
	startLen  = 8 // id characters in Key.Start
)

// Key is a freshly generated API key.
type Key struct {
	// Token is the full token. Show it to its owner once; never store or log it.
	Token string
	// ID is the token's 16-character id, the lookup key in the store.
	ID string
	// Hash is Hash(Token): what the store keeps and compares.
	Hash string
	// Start is a display hint: prefix + "_" + the first 8 characters of ID.
	// It holds no secret characters.
	Start string
}

// Generate creates a new token with the given prefix. It fails only for an
// invalid prefix (wrapping ErrPrefix): crypto/rand.Read never returns an
// error (it crashes the program if the system's source fails).
func Generate(prefix string) (Key, error) {
	if !ValidPrefix(prefix) {
		return Key{}, &parseError{rule: ErrPrefix, prefix: prefix}
	}
	n := len(prefix) + 1
	var arr [maxPrefixLen + 1 + bodyLen]byte
	buf := arr[:n+bodyLen]
	copy(buf, prefix)
	buf[n-1] = '_'
	randomBase62(buf[n : n+idLen+secretLen])
	var crc [crcLen]byte
	encodeCRC(&crc, crc32.ChecksumIEEE(buf[:n+idLen+secretLen]))
	copy(buf[n+idLen+secretLen:], crc[:])

	token := string(buf)
	id := token[n : n+idLen]
	return Key{
		Token: token,
		ID:    id,
		Hash:  Hash(token),
		Start: token[:n+startLen],
	}, nil
}

// randomBase62 fills dst with characters drawn uniformly from alphabet.
// It reads bytes from crypto/rand and rejects those >= 248 (4·62), so that
// b % 62 is exactly uniform; 31 of 32 bytes are kept.
func randomBase62(dst []byte) {
	var buf [64]byte
	for i := 0; i < len(dst); {
		// Ask for a few more bytes than needed to absorb rejections.
		n := min(len(dst)-i+4, len(buf))
		_, _ = rand.Read(buf[:n])
		for _, b := range buf[:n] {
			if b >= 248 {
				continue
			}
			dst[i] = alphabet[b%62]
			i++
			if i == len(dst) {
				break
			}
		}
	}
}
