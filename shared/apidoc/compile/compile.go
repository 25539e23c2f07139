package compile

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"keygate/shared/apidoc"
	"keygate/shared/keys"
)

// Options tune Compile.
type Options struct {
	// Reserved are path prefixes the document may not use: keygate's own
	// routes (default "/open").
	Reserved []string
}

// methods are OpenAPI's operation keys of a path item, in the order
// operations are listed.
var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// maxScopes bounds the document's scope vocabulary (a key holds at most
// keys.MaxScopes of them).
const maxScopes = 256

// Compile reads doc, an OpenAPI 3.0 or 3.1 document, into the Document
// keygate protects. Every problem is reported, each naming its operation
// ("GET /v2/users: ..."): the error is an *Errors.
func Compile(doc []byte, opts Options) (apidoc.Document, error) {
	if opts.Reserved == nil {
		opts.Reserved = []string{"/open"}
	}
	var root map[string]any
	if err := yaml.Unmarshal(doc, &root); err != nil {
		return apidoc.Document{}, &Errors{List: []string{"not a YAML or JSON document: " + err.Error()}}
	}
	c := &compiler{root: root, opts: opts, scopes: map[string]string{}}
	d := c.document()
	if len(c.errs) > 0 {
		return apidoc.Document{}, &Errors{List: c.errs}
	}
	return d, nil
}

// Errors are every problem Compile found.
type Errors struct {
	List []string
}

// Error lists them, one per line.
func (e *Errors) Error() string {
	return fmt.Sprintf("the API document cannot be protected as written (%d problems):\n  %s", len(e.List), strings.Join(e.List, "\n  "))
}

type compiler struct {
	root    map[string]any
	opts    Options
	errs    []string
	version string // "3.0" or "3.1"
	schemes map[string]scheme
	// unsupported are the declared schemes keygate does not verify, with
	// why: refused where an operation requires one.
	unsupported map[string]string
	scopes      map[string]string // declared scope -> description
}

// scheme is a security scheme keygate verifies with its keys.
type scheme struct {
	kind   string          // "oauth2" or "bearer"
	scopes map[string]bool // oauth2: the scopes its flows declare
}

func (c *compiler) fail(format string, args ...any) {
	c.errs = append(c.errs, fmt.Sprintf(format, args...))
}

func (c *compiler) document() apidoc.Document {
	v := ""
	switch raw := c.root["openapi"].(type) {
	case string:
		v = raw
	case float64: // openapi: 3.0, unquoted, reads as a number
		v = fmt.Sprintf("%.1f", raw)
	case int:
		v = fmt.Sprint(raw)
	}
	switch {
	case strings.HasPrefix(v, "3.0."), v == "3.0":
		c.version = "3.0"
	case strings.HasPrefix(v, "3.1."), v == "3.1":
		c.version = "3.1"
	default:
		c.fail("openapi: %q is not 3.0.x or 3.1.x (Swagger 2.0 documents: convert them first)", v)
		return apidoc.Document{}
	}
	d := apidoc.Document{Title: str(mapOf(c.root["info"])["title"])}
	c.securitySchemes()
	base := c.basePath()
	rootSecurity, rootSet := c.root["security"]
	paths := mapOf(c.root["paths"])
	keys := make([]string, 0, len(paths))
	for k := range paths {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, p := range keys {
		item := mapOf(c.resolve(paths[p]))
		for _, m := range methods {
			raw, ok := item[m]
			if !ok {
				continue
			}
			op := mapOf(c.resolve(raw))
			security, set := op["security"]
			if !set {
				security, set = rootSecurity, rootSet
			}
			d.Operations = append(d.Operations, c.operation(base, p, m, item, op, security, set))
		}
	}
	if len(c.scopes) > maxScopes {
		c.fail("the document declares %d scopes: keygate reads at most %d", len(c.scopes), maxScopes)
	}
	for name, desc := range c.scopes {
		d.Scopes = append(d.Scopes, apidoc.Scope{Name: name, Description: desc})
	}
	sort.Slice(d.Scopes, func(i, j int) bool { return d.Scopes[i].Name < d.Scopes[j].Name })
	return d
}

// basePath is the path of the first server's URL ("" for none or "/"):
// the gateway serves each operation at it plus the path template.
func (c *compiler) basePath() string {
	servers, _ := c.root["servers"].([]any)
	if len(servers) == 0 {
		return ""
	}
	s := mapOf(servers[0])
	raw := str(s["url"])
	for name, v := range mapOf(s["variables"]) {
		raw = strings.ReplaceAll(raw, "{"+name+"}", str(mapOf(v)["default"]))
	}
	u, err := url.Parse(raw)
	if err != nil || strings.ContainsAny(u.Path, "{}") {
		c.fail("servers[0].url %q: want a URL or a path, its variables with defaults", raw)
		return ""
	}
	return strings.TrimSuffix(u.Path, "/")
}

// operation compiles one operation.
func (c *compiler) operation(base, path, method string, item, op map[string]any, security any, set bool) apidoc.Operation {
	o := apidoc.Operation{Method: strings.ToUpper(method), Path: base + path}
	o.Name = str(op["operationId"])
	if o.Name == "" {
		o.Name = o.Method + " " + o.Path
	}
	where := o.Method + " " + o.Path
	params := pathParams(path)
	if params == nil {
		c.fail("%s: a path parameter must be a whole segment, as API Gateway routes them ({id}, not {id}.json)", where)
	}
	if o.Method == "OPTIONS" {
		// SAM answers OPTIONS with the API's CORS preflight (no key, no
		// usage plan): an operation there would not be what the document
		// says.
		c.fail("%s: OPTIONS is the API's CORS preflight, answered by API Gateway without a key; remove the operation", where)
	}
	for _, r := range c.opts.Reserved {
		if o.Path == r || strings.HasPrefix(o.Path, r+"/") {
			c.fail("%s: %s/... is keygate's own; serve the API under another path", where, r)
		}
	}
	ws, _ := op["x-keygate-workspace"].(string)
	if ws == "" {
		ws, _ = item["x-keygate-workspace"].(string)
	}
	if ws != "" && !slices.Contains(params, ws) {
		c.fail("%s: x-keygate-workspace names %q, which is not a path parameter of %s", where, ws, path)
	}
	o.WorkspaceParam = ws
	if !set {
		o.Public = true
		return o
	}
	list, ok := security.([]any)
	if !ok {
		c.fail("%s: security: want a list of requirements", where)
		return o
	}
	if len(list) == 0 {
		o.Public = true
		return o
	}
	for _, alt := range list {
		if _, isMap := alt.(map[string]any); !isMap {
			c.fail("%s: security: each requirement is a map of scheme names to scope lists, not %v", where, alt)
			continue
		}
		req, ok := c.requirement(where, mapOf(alt))
		if !ok {
			continue
		}
		if req == nil {
			o.Public = true // {}: authentication is optional
			continue
		}
		o.Requirements = append(o.Requirements, *req)
	}
	if o.Public {
		o.Requirements = nil
	}
	return o
}

// requirement compiles one alternative: nil for {} (optional
// authentication), ok false when it names a scheme keygate cannot verify.
func (c *compiler) requirement(where string, alt map[string]any) (*apidoc.Requirement, bool) {
	if len(alt) == 0 {
		return nil, true
	}
	req := &apidoc.Requirement{Scopes: []string{}}
	ok := true
	names := make([]string, 0, len(alt))
	for n := range alt {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		s, known := c.schemes[name]
		if why, bad := c.unsupported[name]; bad {
			c.fail("%s: security scheme %q (%s) is not verified by keygate, whose keys are bearer tokens in Authorization: declare it as {type: http, scheme: bearer} or oauth2", where, name, why)
			ok = false
			continue
		}
		if !known {
			c.fail("%s: security scheme %q is not declared in components.securitySchemes", where, name)
			ok = false
			continue
		}
		scopes, isList := alt[name].([]any)
		if !isList && alt[name] != nil {
			c.fail("%s: security: %s's scopes must be a list (use [] for none)", where, name)
			ok = false
			continue
		}
		for _, raw := range scopes {
			scope := str(raw)
			switch {
			case !keys.WellFormedScope(scope):
				c.fail("%s: scope %q: want letters, digits and :._/- (at most 64)", where, scope)
				ok = false
			case s.kind == "oauth2" && !s.scopes[scope]:
				c.fail("%s: scope %q is not among the scopes of %s's flows", where, scope, name)
				ok = false
			case s.kind == "bearer" && c.version == "3.0":
				c.fail("%s: %s is an http bearer scheme: OpenAPI 3.0 allows no scopes on it (3.1 does: role lists)", where, name)
				ok = false
			default:
				if s.kind == "bearer" {
					if _, seen := c.scopes[scope]; !seen {
						c.scopes[scope] = ""
					}
				}
				if !slices.Contains(req.Scopes, scope) {
					req.Scopes = append(req.Scopes, scope)
				}
			}
		}
	}
	sort.Strings(req.Scopes)
	return req, ok
}

// securitySchemes reads components.securitySchemes: oauth2 (its flows'
// scopes are the vocabulary) and http bearer are keygate's keys; any other
// kind is refused where an operation requires it.
func (c *compiler) securitySchemes() {
	c.schemes, c.unsupported = map[string]scheme{}, map[string]string{}
	for name, raw := range mapOf(mapOf(c.root["components"])["securitySchemes"]) {
		s := mapOf(c.resolve(raw))
		switch typ := str(s["type"]); {
		case typ == "oauth2":
			sc := scheme{kind: "oauth2", scopes: map[string]bool{}}
			for _, flow := range mapOf(s["flows"]) {
				for scope, desc := range mapOf(mapOf(flow)["scopes"]) {
					sc.scopes[scope] = true
					if !keys.WellFormedScope(scope) {
						c.fail("components.securitySchemes.%s: scope %q: want letters, digits and :._/- (at most 64)", name, scope)
						continue
					}
					if d := str(desc); d != "" || c.scopes[scope] == "" {
						c.scopes[scope] = d
					}
				}
			}
			c.schemes[name] = sc
		case typ == "http" && strings.EqualFold(str(s["scheme"]), "bearer"):
			c.schemes[name] = scheme{kind: "bearer"}
		default:
			// Refused where required (requirement): an apiKey in a custom
			// header, basic auth, mutual TLS or OpenID Connect are not
			// keygate keys in the Authorization header.
			c.unsupported[name] = describe(typ, s)
		}
	}
}

// describe names an unsupported scheme for its refusal.
func describe(typ string, s map[string]any) string {
	switch typ {
	case "http":
		return "http " + str(s["scheme"])
	case "apiKey":
		return fmt.Sprintf("apiKey in %s %q", str(s["in"]), str(s["name"]))
	case "":
		return "no type"
	}
	return typ
}

// resolve follows a local $ref (#/components/...), at most 32 deep.
func (c *compiler) resolve(n any) any {
	for range 32 {
		m, ok := n.(map[string]any)
		if !ok {
			return n
		}
		ref, ok := m["$ref"].(string)
		if !ok {
			return n
		}
		target, err := c.pointer(ref)
		if err != nil {
			c.fail("$ref %q: %v", ref, err)
			return map[string]any{}
		}
		n = target
	}
	c.fail("$ref: more than 32 references in a row (a cycle?)")
	return map[string]any{}
}

// pointer resolves a JSON pointer into the document.
func (c *compiler) pointer(ref string) (any, error) {
	p, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil, errors.New("only references within the document (#/...) are read")
	}
	var n any = c.root
	for _, part := range strings.Split(p, "/") {
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		m, ok := n.(map[string]any)
		if !ok {
			return nil, errors.New("no such element")
		}
		if n, ok = m[part]; !ok {
			return nil, errors.New("no such element")
		}
	}
	return n, nil
}

// pathParams returns the parameters of a path template, each a whole
// segment; nil when one is not (or a brace is unbalanced).
func pathParams(path string) []string {
	params := []string{}
	for _, seg := range strings.Split(path, "/") {
		if !strings.ContainsAny(seg, "{}") {
			continue
		}
		name, ok := strings.CutPrefix(seg, "{")
		if !ok {
			return nil
		}
		if name, ok = strings.CutSuffix(name, "}"); !ok || name == "" || strings.ContainsAny(name, "{}") {
			return nil
		}
		params = append(params, strings.TrimSuffix(name, "+"))
	}
	return params
}

func mapOf(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
