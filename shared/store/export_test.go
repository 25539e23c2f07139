package store

// Fresh is a store on s's table and client with none of s's per-instance
// memory (limit hints, lanes read): another Lambda instance.
func (s *Store) Fresh() *Store { return New(s.db, s.table) }
