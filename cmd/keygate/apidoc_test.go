package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"keygate/shared/apidoc"
)

const seedAPIs = "../../examples/api/openapi.yaml"

// TestAPIDocCommands: check lists the document's scopes and its public
// operations; compile writes what the functions read; a document keygate
// cannot protect is a usage error naming the operation, and writes
// nothing.
func TestAPIDocCommands(t *testing.T) {
	e := &testEnv{vars: map[string]string{}}
	t.Run("check", func(t *testing.T) {
		out := e.mustRun(t, "apidoc", "check", seedAPIs)
		for _, want := range []string{"Seed APIs: 8 operations, 7 scopes", "scope   read:users\tRead user information", "public  GET /v1/status (status)"} {
			if !strings.Contains(out, want) {
				t.Errorf("output %q lacks %q", out, want)
			}
		}
	})
	t.Run("compile", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "apidoc.json")
		e.mustRun(t, "apidoc", "compile", seedAPIs, "-o", path)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		d, err := apidoc.Decode(b)
		if err != nil || len(d.Operations) != 8 || !d.Declares("write:projects") {
			t.Errorf("compiled: %+v, %v; want the 8 operations and their scopes", d, err)
		}
	})
	t.Run("a document keygate cannot protect", func(t *testing.T) {
		dir := t.TempDir()
		bad := filepath.Join(dir, "api.yaml")
		doc := "openapi: 3.0.0\ninfo: {title: x}\ncomponents: {securitySchemes: {h: {type: apiKey, in: header, name: X-K}}}\npaths: {/a: {get: {security: [{h: []}]}}}\n"
		if err := os.WriteFile(bad, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, "apidoc.json")
		r := e.run(t, "apidoc", "compile", bad, "-o", out)
		if r.code != exitUsage || !strings.Contains(r.stderr, `GET /a: security scheme "h" (apiKey in header "X-K") is not verified by keygate`) {
			t.Errorf("got exit %d, stderr %q; want a usage error naming GET /a", r.code, r.stderr)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("a compiled file was written for a refused document (%v)", err)
		}
	})
}

// TestKeyCreateWithTheAPIDocumentsScopes: an operator gives a key the API
// document's scopes by naming the document; without it they are unknown.
func TestKeyCreateWithTheAPIDocumentsScopes(t *testing.T) {
	e := newTestEnv(t)
	e.seed(t)
	var k struct {
		Scopes []string `json:"scopes"`
	}
	out := e.mustRun(t, "key", "create", "u1", "--name", "api", "--scopes", "read,read:users", "--api-document", seedAPIs, "--json")
	if err := json.Unmarshal([]byte(out), &k); err != nil || strings.Join(k.Scopes, ",") != "read,read:users" {
		t.Errorf("scopes: got %v (%v), want read and read:users", k.Scopes, err)
	}
	r := e.run(t, "key", "create", "u1", "--name", "api", "--scopes", "read:users")
	if r.code != exitUsage || !strings.Contains(r.stderr, `unknown scope "read:users"`) || !strings.Contains(r.stderr, "--api-document") {
		t.Errorf("without the document: got exit %d, stderr %q; want a usage error pointing at --api-document", r.code, r.stderr)
	}
	r = e.run(t, "key", "create", "u1", "--name", "api", "--scopes", "read:secrets", "--api-document", seedAPIs)
	if r.code != exitUsage || !strings.Contains(r.stderr, `unknown scope "read:secrets"`) {
		t.Errorf("a scope outside the document: got exit %d, stderr %q; want a usage error", r.code, r.stderr)
	}
}
