package apikey_test

import (
	"hash/crc32"
	"strings"
	"testing"

	"keygate/shared/apikey"
)

const testAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// encode rebuilds a token from its parts with an independent CRC32 and
// base62 encoder, so tests do not trust the package's own.
func encode(prefix, id, secret string) string {
	head := prefix + "_" + id + secret
	v := crc32.ChecksumIEEE([]byte(head))
	var crc [6]byte
	for i := 5; i >= 0; i-- {
		crc[i] = testAlphabet[v%62]
		v /= 62
	}
	return head + string(crc[:])
}

// mustGenerate returns a new key or fails the test.
func mustGenerate(tb testing.TB, prefix string) apikey.Key {
	tb.Helper()
	k, err := apikey.Generate(prefix)
	if err != nil {
		tb.Fatalf("Generate(%q): %v", prefix, err)
	}
	return k
}

// isBase62 reports whether every byte of s is in the base62 alphabet.
func isBase62(s string) bool {
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune(testAlphabet, rune(s[i])) {
			return false
		}
	}
	return true
}
