package apikey

// Parse checks token against the format with the given prefix and returns
// its id. The rules are checked in order — prefix, length, alphabet,
// checksum — and the error wraps the first that failed (ErrPrefix,
// ErrLength, ErrAlphabet, ErrChecksum). Parse does no I/O and does not
// allocate for a valid token; the id is a substring of token.
func Parse(token, prefix string) (id string, err error) {
	n := len(prefix) + 1
	if !ValidPrefix(prefix) || len(token) < n || token[:n-1] != prefix || token[n-1] != '_' {
		return "", &parseError{rule: ErrPrefix, prefix: prefix}
	}
	if len(token) != n+bodyLen {
		return "", &parseError{rule: ErrLength, got: len(token), want: n + bodyLen}
	}
	for i := n; i < len(token); i++ {
		if !isBase62(token[i]) {
			return "", &parseError{rule: ErrAlphabet, got: i}
		}
	}
	var crc [crcLen]byte
	encodeCRC(&crc, checksum(token[:n+idLen+secretLen]))
	if string(crc[:]) != token[n+idLen+secretLen:] {
		return "", &parseError{rule: ErrChecksum}
	}
	return token[n : n+idLen], nil
}
