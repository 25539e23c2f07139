package access

// maxIDLen is the longest user, workspace or key id (store.ValidID).
const maxIDLen = 64

// validID is store.ValidID (^[A-Za-z0-9_-]{1,64}$) without the regexp, for the
// authorizer's hot path. FuzzValidID keeps the two in agreement.
func validID(id string) bool {
	if id == "" || len(id) > maxIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}
