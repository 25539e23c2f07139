package openapi

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"testing"

	"gopkg.in/yaml.v3"
)

var update = flag.Bool("update", false, "rewrite openapi.json from openapi.yaml")

// TestJSONMatchesYAML keeps openapi.json, which is served, equal to
// openapi.yaml, which is edited. Regenerate with:
//
//	go test ./shared/openapi -run TestJSONMatchesYAML -update
func TestJSONMatchesYAML(t *testing.T) {
	var v any
	if err := yaml.Unmarshal(YAML(), &v); err != nil {
		t.Fatalf("parse openapi.yaml: %v", err)
	}
	want, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("to JSON: %v", err)
	}
	want = append(want, '\n')
	if *update {
		if err := os.WriteFile("openapi.json", want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(JSON(), want) {
		t.Errorf("openapi.json is stale: run go test ./shared/openapi -run TestJSONMatchesYAML -update")
	}
}
