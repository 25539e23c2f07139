package apidoc

import (
	"encoding/json"
	"fmt"
	"slices"
)

// Document is the team's API as keygate protects it.
type Document struct {
	// Title names the API (the document's info.title).
	Title string `json:"title"`
	// Operations are every operation of the document, in path then
	// method order.
	Operations []Operation `json:"operations"`
	// Scopes are the scopes the document declares, by name.
	Scopes []Scope `json:"scopes"`
}

// Operation is one method on one path.
type Operation struct {
	// Name is the operationId, or "METHOD /path" without one.
	Name string `json:"name"`
	// Method is the HTTP method, upper case.
	Method string `json:"method"`
	// Path is the gateway path: the servers' base path and the path
	// template, e.g. /v2/projects/{id}.
	Path string `json:"path"`
	// Public is true when no key is needed (security: [], an empty
	// requirement among the alternatives, or no security at either level).
	Public bool `json:"public,omitempty"`
	// Requirements are the alternatives that admit a key: any one
	// suffices, and every scope of it must be held. An empty one admits
	// any valid key.
	Requirements []Requirement `json:"requirements,omitempty"`
	// WorkspaceParam names the path parameter that carries a keygate
	// workspace id (x-keygate-workspace), "" when the operation is not
	// workspace-scoped.
	WorkspaceParam string `json:"workspaceParam,omitempty"`
}

// Requirement is the scopes one alternative needs, all of them.
type Requirement struct {
	Scopes []string `json:"scopes"`
}

// Scope is a scope the document declares.
type Scope struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// Allows reports whether a key holding scopes may call op: op is public,
// or one of its requirements has every scope among them.
func (op Operation) Allows(scopes []string) bool {
	if op.Public {
		return true
	}
	for _, r := range op.Requirements {
		if r.satisfiedBy(scopes) {
			return true
		}
	}
	return false
}

func (r Requirement) satisfiedBy(scopes []string) bool {
	for _, s := range r.Scopes {
		if !slices.Contains(scopes, s) {
			return false
		}
	}
	return true
}

// ScopeNames are the names of the document's scopes, sorted.
func (d Document) ScopeNames() []string {
	out := make([]string, len(d.Scopes))
	for i, s := range d.Scopes {
		out[i] = s.Name
	}
	return out
}

// Declares reports whether the document declares scope name.
func (d Document) Declares(name string) bool {
	return slices.ContainsFunc(d.Scopes, func(s Scope) bool { return s.Name == name })
}

// Public returns the operations that need no key.
func (d Document) Public() []Operation {
	var out []Operation
	for _, op := range d.Operations {
		if op.Public {
			out = append(out, op)
		}
	}
	return out
}

// Allowed returns the operations a key holding scopes may call.
func (d Document) Allowed(scopes []string) []Operation {
	var out []Operation
	for _, op := range d.Operations {
		if op.Allows(scopes) {
			out = append(out, op)
		}
	}
	return out
}

// Decode reads a compiled document (what Encode wrote).
func Decode(b []byte) (Document, error) {
	var d Document
	if err := json.Unmarshal(b, &d); err != nil {
		return Document{}, fmt.Errorf("apidoc: a compiled document: %w", err)
	}
	return d, nil
}

// Encode writes d compiled, for the Lambdas to read.
func Encode(d Document) ([]byte, error) {
	return json.MarshalIndent(d, "", "  ")
}
