package httpapi

import (
	"bytes"
	"encoding/json"
	"reflect"
)

// Optional is a request field that tells absent, null and a value apart, as
// PATCH bodies need: absent leaves an attribute alone, null clears it.
type Optional[T any] struct {
	// Set is true when the field was in the body (null included).
	Set bool
	// Null is true when it was null.
	Null bool
	// Value is its value when it was neither absent nor null.
	Value T
}

// UnmarshalJSON records that the field was present and decodes its value.
func (o *Optional[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		o.Null = true
		return nil
	}
	return json.Unmarshal(b, &o.Value)
}

// valueType is the type of the JSON value, for checkFields.
func (o *Optional[T]) valueType() reflect.Type { return reflect.TypeOf(o.Value) }

// valueTyper is a field type whose JSON value is of another type.
type valueTyper interface{ valueType() reflect.Type }
