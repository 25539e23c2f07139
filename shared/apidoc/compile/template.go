package compile

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"keygate/shared/apidoc"
)

// OperationsAuthorizer is the authorizer of the document's operations:
// keygate's authorizer function with the method and the resource path
// among its identity sources, so that a cached answer serves one operation
// (access.AllowOperation).
const OperationsAuthorizer = "OperationsAuthorizer"

// ComposeTemplate returns template (keygate's template.yaml) with d's
// operations added to the API's DefinitionBody — each an HTTP_PROXY
// integration to UpstreamUrl (same method, path and query) with the
// identity headers of the template's upstream routes, behind
// OperationsAuthorizer unless public — and OperationsAuthorizer added beside
// the default authorizer: what `sam build` deploys and the local stack
// serves. Comments and intrinsics of template are kept.
func ComposeTemplate(template []byte, d apidoc.Document) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(template, &doc); err != nil {
		return nil, fmt.Errorf("template: %w", err)
	}
	root := doc.Content[0]
	api := mapValue(mapValue(root, "Resources"), "KeygateApi")
	props := mapValue(api, "Properties")
	authorizers := mapValue(mapValue(props, "Auth"), "Authorizers")
	def := mapValue(authorizers, "KeygateAuthorizer")
	paths := mapValue(mapValue(props, "DefinitionBody"), "paths")
	if def == nil || paths == nil {
		return nil, fmt.Errorf("template: KeygateApi with its KeygateAuthorizer and an inline DefinitionBody is required")
	}
	identity, err := identityHeaders(paths)
	if err != nil {
		return nil, err
	}
	// OperationsAuthorizer: the default one, its identity also the method
	// and the resource path.
	ops := deepCopy(def)
	ctx := mapValue(mapValue(ops, "Identity"), "Context")
	if ctx == nil {
		return nil, fmt.Errorf("template: KeygateAuthorizer.Identity.Context is required")
	}
	ctx.Content = append(ctx.Content, scalar("httpMethod"), scalar("resourcePath"))
	ctx.Style = yaml.FlowStyle
	authorizers.Content = append(authorizers.Content, scalar(OperationsAuthorizer), ops)

	byPath := map[string][]apidoc.Operation{}
	for _, op := range d.Operations {
		byPath[op.Path] = append(byPath[op.Path], op)
	}
	keys := make([]string, 0, len(byPath))
	for p := range byPath {
		keys = append(keys, p)
	}
	sort.Strings(keys)
	for _, p := range keys {
		if mapValue(paths, p) != nil {
			return nil, fmt.Errorf("%s: the template already serves this path", p)
		}
		item := &yaml.Node{Kind: yaml.MappingNode}
		for _, op := range byPath[p] {
			item.Content = append(item.Content, scalar(strings.ToLower(op.Method)), operationNode(op, identity))
		}
		paths.Content = append(paths.Content, scalar(p), item)
	}
	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// identityHeaders are the header mappings of the template's upstream
// routes (/open/workspace/{workspaceId}): every authorized operation
// forwards the same.
func identityHeaders(paths *yaml.Node) (*yaml.Node, error) {
	item := mapValue(paths, "/open/workspace/{workspaceId}")
	method := mapValue(item, "x-amazon-apigateway-any-method")
	// Fn::If [UpstreamOn, <method>, !Ref AWS::NoValue]
	cond := mapValue(method, "Fn::If")
	if cond == nil || len(cond.Content) != 3 {
		return nil, fmt.Errorf("template: /open/workspace/{workspaceId} is not the conditional upstream route it should be")
	}
	params := mapValue(mapValue(cond.Content[1], "x-amazon-apigateway-integration"), "requestParameters")
	out := &yaml.Node{Kind: yaml.MappingNode}
	for i := 0; i+1 < len(params.Content); i += 2 {
		if strings.HasPrefix(params.Content[i].Value, "integration.request.header.") {
			out.Content = append(out.Content, deepCopy(params.Content[i]), deepCopy(params.Content[i+1]))
		}
	}
	if len(out.Content) == 0 {
		return nil, fmt.Errorf("template: the upstream route maps no identity header")
	}
	return out, nil
}

// operationNode is op's method: Fn::If [UpstreamOn, <the method>, AWS::NoValue].
func operationNode(op apidoc.Operation, identity *yaml.Node) *yaml.Node {
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
		for i := 0; i+1 < len(identity.Content); i += 2 {
			value := "''"
			if strings.HasSuffix(identity.Content[i].Value, ".Authorization") {
				value = "'none'"
			}
			requestParams.Content = append(requestParams.Content, scalar(identity.Content[i].Value), scalar(value))
		}
	} else {
		security.Content = append(security.Content, mapping(OperationsAuthorizer, emptySeq()))
		requestParams.Content = append(requestParams.Content, deepCopy(identity).Content...)
	}
	// A greedy parameter ({proxy+}) is mapped, and substituted, as {proxy}.
	uri := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!Sub", Value: "${UpstreamUrl}" + strings.ReplaceAll(op.Path, "+}", "}")}
	integration := mapping("type", scalar("http_proxy"), "httpMethod", scalar(op.Method), "uri", uri,
		"passthroughBehavior", scalar("when_no_match"), "timeoutInMillis", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: "29000"},
		"requestParameters", requestParams)
	method := mapping("operationId", scalar(op.Name), "security", security, "x-amazon-apigateway-integration", integration)
	if len(params.Content) > 0 {
		method.Content = append([]*yaml.Node{scalar("parameters"), params}, method.Content...)
	}
	noValue := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!Ref", Value: "AWS::NoValue"}
	cond := &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{scalar("UpstreamOn"), method, noValue}}
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
