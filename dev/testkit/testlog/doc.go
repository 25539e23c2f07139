// Package testlog captures the JSON log lines of keygate's components in
// tests and scans them for secrets: no log line may hold a token, a token's
// secret part or a key hash.
package testlog
