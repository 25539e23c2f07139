package main

import (
	"testing"
)

// TestJSONEvent checks marshalling, and the panic on a value JSON cannot
// hold.
func TestJSONEvent(t *testing.T) {
	if got, want := string(jsonEvent(map[string]int{"b": 2, "a": 1})), `{"a":1,"b":2}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	defer func() {
		if recover() == nil {
			t.Errorf("got no panic for a channel, want one")
		}
	}()
	jsonEvent(make(chan int))
}
