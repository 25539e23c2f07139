package main

import (
	"maps"
	"testing"
)

// TestEnvWith checks that overrides are applied to a copy.
func TestEnvWith(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		kv   []string
		want map[string]string
	}{
		{"nil env", nil, []string{"A", "1"}, map[string]string{"A": "1"}},
		{"nil env, no overrides", nil, nil, map[string]string{}},
		{"override and add", map[string]string{"A": "0", "B": "2"}, []string{"A", "1", "C", "3"}, map[string]string{"A": "1", "B": "2", "C": "3"}},
		{"last override wins", map[string]string{}, []string{"A", "1", "A", "2"}, map[string]string{"A": "2"}},
		{"odd trailing key is ignored", map[string]string{"B": "2"}, []string{"A", "1", "C"}, map[string]string{"A": "1", "B": "2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := maps.Clone(tt.env)
			got := envWith(tt.env, tt.kv...)
			if !maps.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			if !maps.Equal(tt.env, before) {
				t.Errorf("got input %v after envWith, want it unchanged %v", tt.env, before)
			}
		})
	}
}

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
