package apikey

// DefaultPrefix is the token prefix used when none is configured, as in
// Tianji's keys ("sk_...").
const DefaultPrefix = "sk"

// maxPrefixLen is the longest prefix ValidPrefix accepts.
const maxPrefixLen = 16

// ValidPrefix reports whether prefix matches ^[a-z][a-z0-9]{0,15}$.
func ValidPrefix(prefix string) bool {
	if len(prefix) == 0 || len(prefix) > maxPrefixLen {
		return false
	}
	if c := prefix[0]; c < 'a' || c > 'z' {
		return false
	}
	for i := 1; i < len(prefix); i++ {
		if c := prefix[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}
