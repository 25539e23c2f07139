package access

import "keygate/shared/store"

// validID is the id check applied before an id goes into a policy ARN.
func validID(id string) bool { return store.ValidID(id) }
