// Package apikey implements keygate's API key token format.
//
// A token is
//
//	<prefix>_<id:16><secret:43><crc:6>
//
// where prefix is configuration (DefaultPrefix "sk", as Tianji's keys), id
// and secret are base62 (0-9A-Za-z) drawn uniformly from crypto/rand, and
// crc is the CRC32-IEEE of everything before it, base62-encoded and
// zero-padded to six characters. The secret carries 43·log2(62) ≈ 256.03
// bits of entropy.
//
// Parse rejects a malformed token (prefix, length, alphabet, checksum) without
// any I/O, so callers never touch the database for garbage input; the id it
// returns is the lookup key, and Hash of the whole token is what is stored
// and compared. The package does no I/O besides reading crypto/rand, and
// never logs or formats a token into an error.
package apikey
