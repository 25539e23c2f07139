package openapi

import (
	_ "embed"
)

// openapi.yaml is the source; openapi.json is the same document as JSON,
// committed so that the config Lambda serves it without parsing YAML at
// cold start. TestJSONMatchesYAML fails when the two differ and rewrites
// openapi.json with -update.

//go:embed openapi.yaml
var document []byte

//go:embed openapi.json
var documentJSON []byte

// YAML returns the document as written.
func YAML() []byte { return document }

// JSON returns the document as JSON, as GET /open/_document serves it.
func JSON() []byte { return documentJSON }
