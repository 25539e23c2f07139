package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"

	"keygate/shared/apperr"
)

// MaxBodyBytes is the largest request body accepted (64 KiB); a larger one is
// PAYLOAD_TOO_LARGE (413).
const MaxBodyBytes = 64 << 10

// DecodeJSON reads r's body into dst strictly: the Content-Type must be
// application/json (parameters such as charset allowed; otherwise 415), the
// body at most MaxBodyBytes (413) and exactly one JSON value with no unknown
// fields, field names exactly as documented (case included), none twice,
// and nothing after it (400). An empty body is a 400, and so is one that is
// not UTF-8, escapes a lone UTF-16 surrogate ("\ud800") or nests objects
// and arrays deeper than MaxJSONDepth (checkText): encoding/json would turn
// the first two into U+FFFD instead of refusing them.
func DecodeJSON(r *http.Request, dst any) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return apperr.Errorf(apperr.BadRequest, "request body is required: send a JSON object")
	}
	return decodeStrict(body, dst)
}

// DecodeOptionalJSON is DecodeJSON for routes whose body is optional: an
// empty body (with any or no Content-Type) leaves dst unchanged; a non-empty
// one follows the rules of DecodeJSON.
func DecodeOptionalJSON(r *http.Request, dst any) error {
	body, err := readLimited(r)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if err := checkJSONContentType(r.Header.Get("Content-Type")); err != nil {
		return err
	}
	return decodeStrict(body, dst)
}

// readBody checks the media type and reads at most MaxBodyBytes.
func readBody(r *http.Request) ([]byte, error) {
	if err := checkJSONContentType(r.Header.Get("Content-Type")); err != nil {
		return nil, err
	}
	return readLimited(r)
}

// readLimited reads at most MaxBodyBytes of r's body.
func readLimited(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))
	if err != nil {
		return nil, apperr.Errorf(apperr.BadRequest, "could not read the request body")
	}
	if len(body) > MaxBodyBytes {
		return nil, apperr.Errorf(apperr.PayloadTooLarge, "request body is larger than %d bytes", MaxBodyBytes)
	}
	return body, nil
}

// checkJSONContentType accepts application/json with optional parameters.
func checkJSONContentType(ct string) error {
	if ct == "" {
		return apperr.Errorf(apperr.UnsupportedMediaType, "Content-Type must be application/json")
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" {
		return apperr.Errorf(apperr.UnsupportedMediaType, "Content-Type must be application/json")
	}
	return nil
}

// decodeStrict decodes exactly one JSON value into dst. The text must be
// UTF-8 without escaped lone surrogates, nested at most MaxJSONDepth deep
// (checkText); field names must match exactly, and none may appear twice
// (checkFields).
func decodeStrict(body []byte, dst any) error {
	if err := checkText(body); err != nil {
		return err
	}
	if err := checkFields(body, reflect.TypeOf(dst)); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return apperr.Errorf(apperr.BadRequest, "request body must hold a single JSON value")
	}
	return nil
}

// decodeError turns a json error into a client-safe BadRequest.
func decodeError(err error) error {
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return apperr.Errorf(apperr.BadRequest, "malformed JSON at byte %d", syntax.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return apperr.Errorf(apperr.BadRequest, "malformed JSON: unexpected end of body")
	case errors.As(err, &typeErr):
		if typeErr.Field == "" {
			return apperr.Errorf(apperr.BadRequest, "request body must be a JSON object")
		}
		return apperr.Errorf(apperr.BadRequest, "field %q has the wrong type: want %s", typeErr.Field, jsonType(typeErr.Type.Kind().String()))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.TrimPrefix(err.Error(), "json: unknown field ")
		return apperr.Errorf(apperr.BadRequest, "unknown field %s", field)
	}
	return apperr.Errorf(apperr.BadRequest, "invalid JSON body")
}

// jsonType names a Go kind the way a JSON client thinks of it.
func jsonType(kind string) string {
	switch kind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "array"
	case "struct", "map", "ptr":
		return "object"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return "integer"
	case "float32", "float64":
		return "number"
	}
	return fmt.Sprintf("a %s", kind)
}
