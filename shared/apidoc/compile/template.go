package compile

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"keygate/shared/access"
	"keygate/shared/apidoc"
)

// OperationsAuthorizer is the authorizer of the document's operations:
// keygate's authorizer function with the method and the resource path
// among its identity sources, so that a cached answer serves one operation
// (access.AllowOperation).
const OperationsAuthorizer = "OperationsAuthorizer"

// ComposeTemplate returns template (keygate's template.yaml) with the
// API's DefinitionBody paths replaced by d's operations — each an
// HTTP_PROXY integration to UpstreamUrl (same method, path and query) with
// the identity headers, behind OperationsAuthorizer unless public: what
// `sam build` deploys and the local stack serves. template.yaml itself is
// the composition of apidoc.Default (a test holds them equal), so a team's
// document replaces the default one. Comments and intrinsics of the rest of
// template are kept.
func ComposeTemplate(template []byte, d apidoc.Document) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(template, &doc); err != nil {
		return nil, fmt.Errorf("template: %w", err)
	}
	root := doc.Content[0]
	props := mapValue(mapValue(mapValue(root, "Resources"), "KeygateApi"), "Properties")
	authorizers := mapValue(mapValue(props, "Auth"), "Authorizers")
	paths := mapValue(mapValue(props, "DefinitionBody"), "paths")
	if mapValue(authorizers, OperationsAuthorizer) == nil || paths == nil {
		return nil, fmt.Errorf("template: KeygateApi with its %s and an inline DefinitionBody is required", OperationsAuthorizer)
	}
	composed := Paths(d)
	*paths = *composed
	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// Paths is the DefinitionBody paths of d's operations, in path order.
func Paths(d apidoc.Document) *yaml.Node {
	byPath := map[string][]apidoc.Operation{}
	for _, op := range d.Operations {
		byPath[op.Path] = append(byPath[op.Path], op)
	}
	keys := make([]string, 0, len(byPath))
	for p := range byPath {
		keys = append(keys, p)
	}
	sort.Strings(keys)
	paths := &yaml.Node{Kind: yaml.MappingNode}
	for _, p := range keys {
		item := &yaml.Node{Kind: yaml.MappingNode}
		for _, op := range byPath[p] {
			item.Content = append(item.Content, scalar(strings.ToLower(op.Method)), operationNode(op))
		}
		paths.Content = append(paths.Content, scalar(p), item)
	}
	return paths
}

// IdentityHeaders are the headers every authorized operation's integration
// sets from the authorizer's context (access's context keys), overwriting
// any a client sent: the upstream trusts them (docs/extend.md).
var IdentityHeaders = [][2]string{
	{"X-Keygate-User-Id", "context.authorizer." + access.KeyUserID},
	{"X-Keygate-Key-Id", "context.authorizer." + access.KeyKeyID},
	{"X-Keygate-Scopes", "context.authorizer." + access.KeyScopes},
	{"X-Keygate-Workspaces", "context.authorizer." + access.KeyWorkspaces},
	{"X-Keygate-Assertion", "context.authorizer." + access.KeyAssertion},
}

// identityParams are the integration's header mappings: IdentityHeaders
// (or, public, each overwritten with nothing) and Authorization, which
// the upstream gets only when UpstreamForwardAuthorization is true.
func identityParams(public bool) []*yaml.Node {
	var out []*yaml.Node
	for _, h := range IdentityHeaders {
		value := h[1]
		if public {
			value = "''"
		}
		out = append(out, scalar("integration.request.header."+h[0]), scalar(value))
	}
	auth := scalar("'none'")
	if !public {
		// !If [ForwardAuthorization, !Ref AWS::NoValue, "'none'"]
		auth = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!If", Style: yaml.FlowStyle, Content: []*yaml.Node{
			scalar("ForwardAuthorization"), noValue(), scalar("'none'")}}
	}
	return append(out, scalar("integration.request.header.Authorization"), auth)
}

func noValue() *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!Ref", Value: "AWS::NoValue"}
}

// operationNode is op's method: Fn::If [UpstreamOn, <the method>, AWS::NoValue].
func operationNode(op apidoc.Operation) *yaml.Node {
	var names []string
	for _, seg := range strings.Split(op.Path, "/") {
		if name, ok := strings.CutPrefix(seg, "{"); ok {
			names = append(names, strings.TrimSuffix(strings.TrimSuffix(name, "}"), "+"))
		}
	}
	params := &yaml.Node{Kind: yaml.SequenceNode}
	requestParams := &yaml.Node{Kind: yaml.MappingNode}
	for _, n := range names {
		params.Content = append(params.Content, mapping("name", scalar(n), "in", scalar("path"), "required", boolean(true),
			"schema", mapping("type", scalar("string"))))
		requestParams.Content = append(requestParams.Content, scalar("integration.request.path."+n), scalar("method.request.path."+n))
	}
	// A public operation opts out of the default authorizer and of the API
	// key (SAM's NONE marker and api_key_false), and its identity headers
	// are overwritten with nothing, so a client cannot pass its own to the
	// upstream (nor its key: Authorization is 'none').
	security := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	if op.Public {
		security.Content = append(security.Content, mapping("NONE", emptySeq()), mapping("api_key_false", emptySeq()))
	} else {
		security.Content = append(security.Content, mapping(OperationsAuthorizer, emptySeq()))
	}
	requestParams.Content = append(requestParams.Content, identityParams(op.Public)...)
	// A greedy parameter ({proxy+}) is mapped, and substituted, as {proxy}.
	uri := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!Sub", Value: "${UpstreamUrl}" + strings.ReplaceAll(op.Path, "+}", "}")}
	integration := mapping("type", scalar("http_proxy"), "httpMethod", scalar(op.Method), "uri", uri,
		"passthroughBehavior", scalar("when_no_match"), "timeoutInMillis", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: "29000"},
		"requestParameters", requestParams)
	method := mapping("operationId", scalar(op.Name), "security", security, "x-amazon-apigateway-integration", integration)
	if len(params.Content) > 0 {
		method.Content = append([]*yaml.Node{scalar("parameters"), params}, method.Content...)
	}
	cond := &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{scalar("UpstreamOn"), method, noValue()}}
	return mapping("Fn::If", cond)
}

func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func scalar(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

func boolean(b bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: fmt.Sprint(b)}
}

func emptySeq() *yaml.Node { return &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle} }

// mapping builds a mapping of key, value pairs.
func mapping(kv ...any) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	for i := 0; i+1 < len(kv); i += 2 {
		n.Content = append(n.Content, scalar(kv[i].(string)), kv[i+1].(*yaml.Node))
	}
	return n
}

func deepCopy(n *yaml.Node) *yaml.Node {
	if n == nil {
		return nil
	}
	c := *n
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, ch := range n.Content {
		c.Content[i] = deepCopy(ch)
	}
	return &c
}
