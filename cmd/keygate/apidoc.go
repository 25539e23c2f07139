package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"keygate/shared/apidoc"
	"keygate/shared/apidoc/compile"
	"keygate/shared/keys"
)

// apidocCheck compiles the team's OpenAPI document and lists what keygate
// makes of it: its scopes, and the operations that need no key (so none is
// public by accident).
func (c *cli) apidocCheck(args []string) error {
	fs := c.newFlagSet("apidoc check", "<file>",
		"Read your OpenAPI 3.0/3.1 document as keygate protects it: print its scopes and its public operations, or every problem, each naming its operation.")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	d, err := compileFile(pos[0])
	if err != nil {
		return err
	}
	return c.emit(d, func() error {
		fmt.Fprintf(c.stdout, "%s: %d operations, %d scopes\n", d.Title, len(d.Operations), len(d.Scopes))
		for _, s := range d.Scopes {
			fmt.Fprintf(c.stdout, "scope   %s\t%s\n", s.Name, s.Description)
		}
		for _, op := range d.Public() {
			fmt.Fprintf(c.stdout, "public  %s %s (%s)\n", op.Method, op.Path, op.Name)
		}
		return nil
	})
}

// apidocCompile writes the compiled document the Lambdas read
// (apidoc.json beside each bootstrap: the build's step).
func (c *cli) apidocCompile(args []string) error {
	fs := c.newFlagSet("apidoc compile", "<file>",
		"Compile your OpenAPI 3.0/3.1 document to the JSON keygate's functions read (make build writes it beside each bootstrap as apidoc.json).")
	out := fs.String("o", "apidoc.json", "the compiled document's `path`")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	d, err := compileFile(pos[0])
	if err != nil {
		return err
	}
	b, err := apidoc.Encode(d)
	if err != nil {
		return err
	}
	return os.WriteFile(*out, append(b, '\n'), 0o644)
}

// compileFile compiles the document at path; its problems are a usage
// error listing each.
func compileFile(path string) (apidoc.Document, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return apidoc.Document{}, usageErrorf("apidoc: %v", err)
	}
	d, err := compile.Compile(b, compile.Options{})
	var problems *compile.Errors
	if errors.As(err, &problems) {
		return apidoc.Document{}, usageErrorf("%s: %s", path, strings.TrimSpace(problems.Error()))
	}
	return d, err
}

// defaultAPIDocument is where the build looks for the team's document.
const defaultAPIDocument = "api/openapi.yaml"

// apiScopes are the scopes of the API document at path (or, with path
// empty, at defaultAPIDocument when it exists; none otherwise).
func apiScopes(path string) ([]keys.Scope, error) {
	if path == "" {
		if _, err := os.Stat(defaultAPIDocument); err != nil {
			return nil, nil
		}
		path = defaultAPIDocument
	}
	d, err := compileFile(path)
	if err != nil {
		return nil, err
	}
	out := make([]keys.Scope, 0, len(d.Scopes))
	for _, name := range d.ScopeNames() {
		out = append(out, keys.Scope(name))
	}
	return out, nil
}

// apidocTemplate writes template.yaml composed with the document's
// operations: what make build and make deploy hand to sam build.
func (c *cli) apidocTemplate(args []string) error {
	fs := c.newFlagSet("apidoc template", "<file>",
		"Write keygate's template with your OpenAPI document's operations in its API (HTTP_PROXY to UpstreamUrl behind the operations authorizer): what make build and make deploy give sam build.")
	tpl := fs.String("template", "template.yaml", "keygate's SAM `template`")
	out := fs.String("o", "template.apidoc.yaml", "the composed template's `path` (beside template.yaml, so that CodeUri . stays the project)")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	d, err := compileFile(pos[0])
	if err != nil {
		return err
	}
	b, err := os.ReadFile(*tpl)
	if err != nil {
		return usageErrorf("apidoc template: %v", err)
	}
	composed, err := compile.ComposeTemplate(b, d)
	if err != nil {
		return usageErrorf("apidoc template: %v", err)
	}
	if err := os.WriteFile(*out, composed, 0o644); err != nil {
		return err
	}
	// Said at every build: a stack that forwarded the default document's
	// workspace routes stops forwarding them once it has a document.
	fmt.Fprintf(c.stderr, "%s: %d operations of %s in place of the default document's /open/workspace/{workspaceId}/... routes (docs/extend.md)\n",
		*out, len(d.Operations), pos[0])
	return nil
}
