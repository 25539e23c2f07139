package apikey

// alphabet is the base62 alphabet in value order: digit 0 is '0', 61 is 'z'.
const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// isBase62 reports whether c is in alphabet.
func isBase62(c byte) bool {
	return '0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z'
}

// encodeCRC writes v in base62, most significant digit first, zero-padded to
// crcLen characters. 62^6 > 2^32, so every uint32 fits.
func encodeCRC(dst *[crcLen]byte, v uint32) {
	for i := crcLen - 1; i >= 0; i-- {
		dst[i] = alphabet[v%62]
		v /= 62
	}
}
