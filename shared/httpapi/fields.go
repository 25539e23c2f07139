package httpapi

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"

	"keygate/shared/apperr"
)

// checkFields walks a JSON body alongside the Go type it decodes into and
// refuses what encoding/json would accept silently: a field name that
// matches only when case is ignored ({"Name":…} for "name"), and a field
// given twice in one object (json keeps the last). Nested objects are
// checked against their field's type.
func checkFields(body []byte, t reflect.Type) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	return walkValue(dec, t, "")
}

// walkValue reads one JSON value from dec; t is the Go type it fills (nil
// when unknown: any value is then only read).
func walkValue(dec *json.Decoder, t reflect.Type, path string) error {
	tok, err := dec.Token()
	if err != nil {
		return nil // malformed JSON: the decoder that follows names the problem
	}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t != nil {
		if vt, ok := reflect.New(t).Interface().(valueTyper); ok {
			t = vt.valueType()
		}
	}
	switch tok {
	case json.Delim('{'):
		return walkObject(dec, t, path)
	case json.Delim('['):
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for dec.More() {
			if err := walkValue(dec, elem, path+"[]"); err != nil {
				return err
			}
		}
		_, _ = dec.Token() // ']'
	}
	return nil
}

// walkObject reads the members of an object whose '{' was read.
func walkObject(dec *json.Decoder, t reflect.Type, path string) error {
	fields := jsonFields(t)
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil
		}
		name, _ := tok.(string)
		if seen[name] {
			return apperr.Errorf(apperr.BadRequest, "field %q appears twice", path+name)
		}
		seen[name] = true
		var ft reflect.Type
		if fields != nil {
			f, ok := fields[name]
			if !ok {
				return apperr.Errorf(apperr.BadRequest, "unknown field %q (field names are case-sensitive)", path+name)
			}
			ft = f
		}
		if err := walkValue(dec, ft, path+name+"."); err != nil {
			return err
		}
	}
	_, _ = dec.Token() // '}'
	return nil
}

// jsonFields maps the JSON names of struct t's fields to their types; nil
// when t is not a struct (a map or an unknown type takes any name).
func jsonFields(t reflect.Type) map[string]reflect.Type {
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}
