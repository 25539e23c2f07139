package samtemplate

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// pseudoDefaults are the values pseudo parameters resolve to unless overridden (Load's
// overrides may set any of them, e.g. "AWS::Region").
var pseudoDefaults = map[string]string{
	"AWS::AccountId":        "123456789012",
	"AWS::NotificationARNs": "",
	"AWS::Partition":        "aws",
	"AWS::Region":           "us-east-1",
	"AWS::StackId":          "arn:aws:cloudformation:us-east-1:123456789012:stack/keygate/local",
	"AWS::StackName":        "keygate",
	"AWS::URLSuffix":        "amazonaws.com",
}

// errNoValue marks a value that resolved to AWS::NoValue (the property is absent).
var errNoValue = errors.New("AWS::NoValue")

// nameProperty is the property a resource's !Ref returns when the template sets it.
var nameProperty = map[string]string{
	"AWS::Logs::LogGroup":       "LogGroupName",
	"AWS::DynamoDB::Table":      "TableName",
	"AWS::Serverless::Function": "FunctionName",
	"AWS::IAM::Role":            "RoleName",
}

// resolver evaluates CloudFormation intrinsic functions over yaml.v3 nodes.
type resolver struct {
	params     map[string]string     // parameter -> override or default
	pseudo     map[string]string     // pseudo parameter -> value
	refs       map[string]string     // resource logical ID -> override
	resources  map[string]*yaml.Node // logical ID -> resource mapping node
	conditions map[string]*yaml.Node
	condDone   map[string]bool
	condVal    map[string]bool
}

// intrinsic reports the intrinsic function a node calls, in long form ("Ref", "Fn::Sub",
// "Condition"), and its argument, for both the short (!Sub) and the long ({Fn::Sub: ...}) form.
func intrinsic(n *yaml.Node) (string, *yaml.Node, bool) {
	n = deref(n)
	if n == nil {
		return "", nil, false
	}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		name := n.Tag[1:]
		if name != "Ref" && name != "Condition" {
			name = "Fn::" + name
		}
		arg := *n
		arg.Tag = ""
		arg.Style = 0
		return name, &arg, true
	}
	if n.Kind == yaml.MappingNode && len(n.Content) == 2 {
		k := n.Content[0].Value
		if k == "Ref" || k == "Condition" || strings.HasPrefix(k, "Fn::") {
			return k, n.Content[1], true
		}
	}
	return "", nil, false
}

// deref follows YAML aliases.
func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		return deref(n.Content[0])
	}
	return n
}

// pick evaluates !If (recursively) and returns the node a value position really holds;
// errNoValue when that is AWS::NoValue.
func (r *resolver) pick(n *yaml.Node) (*yaml.Node, error) {
	n = deref(n)
	name, arg, ok := intrinsic(n)
	if !ok {
		return n, nil
	}
	switch name {
	case "Ref":
		if arg.Value == "AWS::NoValue" {
			return nil, errNoValue
		}
	case "Fn::If":
		if arg.Kind != yaml.SequenceNode || len(arg.Content) != 3 {
			return nil, fmt.Errorf("line %d: Fn::If needs [condition, then, else]", n.Line)
		}
		c, err := r.condition(arg.Content[0].Value)
		if err != nil {
			return nil, err
		}
		if c {
			return r.pick(arg.Content[1])
		}
		return r.pick(arg.Content[2])
	}
	return n, nil
}

// str resolves a node to a string.
func (r *resolver) str(n *yaml.Node) (string, error) {
	n, err := r.pick(n)
	if err != nil {
		return "", err
	}
	if n == nil {
		return "", nil
	}
	name, arg, ok := intrinsic(n)
	if !ok {
		if n.Kind != yaml.ScalarNode {
			return "", fmt.Errorf("line %d: want a string, got a %s", n.Line, kindName(n.Kind))
		}
		if n.Tag == "!!null" {
			return "", nil
		}
		return n.Value, nil
	}
	switch name {
	case "Ref":
		return r.ref(arg.Value)
	case "Fn::GetAtt":
		if arg.Kind == yaml.ScalarNode {
			return arg.Value, nil
		}
		parts, err := r.list(arg)
		if err != nil {
			return "", err
		}
		return strings.Join(parts, "."), nil
	case "Fn::Sub":
		return r.sub(arg)
	case "Fn::Join":
		if arg.Kind != yaml.SequenceNode || len(arg.Content) != 2 {
			return "", fmt.Errorf("line %d: Fn::Join needs [delimiter, list]", n.Line)
		}
		parts, err := r.list(arg.Content[1])
		if err != nil {
			return "", err
		}
		return strings.Join(parts, arg.Content[0].Value), nil
	case "Fn::Select":
		if arg.Kind != yaml.SequenceNode || len(arg.Content) != 2 {
			return "", fmt.Errorf("line %d: Fn::Select needs [index, list]", n.Line)
		}
		is, err := r.str(arg.Content[0])
		if err != nil {
			return "", err
		}
		i, err := strconv.Atoi(is)
		if err != nil {
			return "", fmt.Errorf("line %d: Fn::Select index %q: %w", n.Line, is, err)
		}
		parts, err := r.list(arg.Content[1])
		if err != nil {
			return "", err
		}
		if i < 0 || i >= len(parts) {
			return "", fmt.Errorf("line %d: Fn::Select index %d out of range", n.Line, i)
		}
		return parts[i], nil
	}
	return "", fmt.Errorf("line %d: %s is not supported here", n.Line, name)
}

// list resolves a sequence (or a single value) to strings, dropping AWS::NoValue entries.
func (r *resolver) list(n *yaml.Node) ([]string, error) {
	n, err := r.pick(n)
	if errors.Is(err, errNoValue) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if n == nil {
		return nil, nil
	}
	if name, arg, ok := intrinsic(n); ok && name == "Fn::Split" {
		if arg.Kind != yaml.SequenceNode || len(arg.Content) != 2 {
			return nil, fmt.Errorf("line %d: Fn::Split needs [delimiter, string]", n.Line)
		}
		s, err := r.str(arg.Content[1])
		if err != nil {
			return nil, err
		}
		return strings.Split(s, arg.Content[0].Value), nil
	}
	if n.Kind != yaml.SequenceNode || n.Tag != "!!seq" && n.Tag != "" {
		s, err := r.str(n)
		if err != nil {
			return nil, err
		}
		return []string{s}, nil
	}
	out := make([]string, 0, len(n.Content))
	for _, c := range n.Content {
		s, err := r.str(c)
		if errors.Is(err, errNoValue) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// ref resolves !Ref name.
func (r *resolver) ref(name string) (string, error) {
	if v, ok := r.params[name]; ok {
		return v, nil
	}
	if v, ok := r.pseudo[name]; ok {
		return v, nil
	}
	if name == "AWS::NoValue" {
		return "", errNoValue
	}
	res, ok := r.resources[name]
	if !ok && r.samGenerated(name) {
		return name, nil
	}
	if !ok {
		return "", fmt.Errorf("!Ref %s: no such parameter or resource", name)
	}
	if v, ok := r.refs[name]; ok {
		return v, nil
	}
	if prop, ok := nameProperty[typeOf(res)]; ok {
		if p := get(get(res, "Properties"), prop); p != nil {
			return r.str(p)
		}
	}
	return name, nil
}

// samGenerated reports whether SAM creates a resource with this logical ID: a function's
// execution role "<Function>Role" when the function sets no Role.
func (r *resolver) samGenerated(name string) bool {
	fn, ok := strings.CutSuffix(name, "Role")
	res := r.resources[fn]
	return ok && typeOf(res) == "AWS::Serverless::Function" &&
		get(get(res, "Properties"), "Role") == nil
}

var subVar = regexp.MustCompile(`\$\{([^}]*)\}`)

// sub resolves !Sub "text" and !Sub ["text", {Var: value}].
func (r *resolver) sub(arg *yaml.Node) (string, error) {
	text := arg
	vars := map[string]string{}
	if arg.Kind == yaml.SequenceNode {
		if len(arg.Content) != 2 {
			return "", fmt.Errorf("line %d: Fn::Sub needs [text, variables]", arg.Line)
		}
		text = arg.Content[0]
		m := deref(arg.Content[1])
		for i := 0; i+1 < len(m.Content); i += 2 {
			v, err := r.str(m.Content[i+1])
			if err != nil {
				return "", err
			}
			vars[m.Content[i].Value] = v
		}
	}
	var firstErr error
	out := subVar.ReplaceAllStringFunc(text.Value, func(m string) string {
		name := m[2 : len(m)-1]
		if strings.HasPrefix(name, "!") {
			return "${" + name[1:] + "}"
		}
		if v, ok := vars[name]; ok {
			return v
		}
		if strings.Contains(name, ".") && !strings.HasPrefix(name, "AWS::") {
			return name // ${Resource.Attr}: textual, as !GetAtt
		}
		v, err := r.ref(name)
		if err != nil && firstErr == nil {
			firstErr = fmt.Errorf("line %d: Fn::Sub: %w", text.Line, err)
		}
		return v
	})
	return out, firstErr
}

// condition evaluates a named condition of the Conditions section.
func (r *resolver) condition(name string) (bool, error) {
	if r.condDone[name] {
		return r.condVal[name], nil
	}
	n, ok := r.conditions[name]
	if !ok {
		return false, fmt.Errorf("condition %s is not defined", name)
	}
	r.condDone[name] = true // a self-referencing condition evaluates to false instead of looping
	v, err := r.cond(n)
	if err != nil {
		return false, fmt.Errorf("condition %s: %w", name, err)
	}
	r.condVal[name] = v
	return v, nil
}

// cond evaluates a condition expression (Fn::Equals, Fn::Not, Fn::And, Fn::Or, Condition).
func (r *resolver) cond(n *yaml.Node) (bool, error) {
	name, arg, ok := intrinsic(n)
	if !ok {
		s, err := r.str(n)
		return s == "true", err
	}
	switch name {
	case "Condition":
		return r.condition(arg.Value)
	case "Fn::Equals":
		if arg.Kind != yaml.SequenceNode || len(arg.Content) != 2 {
			return false, fmt.Errorf("line %d: Fn::Equals needs two values", n.Line)
		}
		a, err := r.str(arg.Content[0])
		if err != nil {
			return false, err
		}
		b, err := r.str(arg.Content[1])
		return a == b, err
	case "Fn::Not", "Fn::And", "Fn::Or":
		if arg.Kind != yaml.SequenceNode || len(arg.Content) == 0 {
			return false, fmt.Errorf("line %d: %s needs a list of conditions", n.Line, name)
		}
		vals := make([]bool, len(arg.Content))
		for i, c := range arg.Content {
			v, err := r.cond(c)
			if err != nil {
				return false, err
			}
			vals[i] = v
		}
		switch name {
		case "Fn::Not":
			return !vals[0], nil
		case "Fn::And":
			for _, v := range vals {
				if !v {
					return false, nil
				}
			}
			return true, nil
		default:
			for _, v := range vals {
				if v {
					return true, nil
				}
			}
			return false, nil
		}
	}
	return false, fmt.Errorf("line %d: %s is not a condition function", n.Line, name)
}

// get returns the value of key in a mapping node, or nil.
func get(n *yaml.Node, key string) *yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return deref(n.Content[i+1])
		}
	}
	return nil
}

// entries returns a mapping node's keys and values in document order.
func entries(n *yaml.Node) (keys []string, values []*yaml.Node) {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		keys = append(keys, n.Content[i].Value)
		values = append(values, deref(n.Content[i+1]))
	}
	return keys, values
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "sequence"
	case yaml.ScalarNode:
		return "scalar"
	}
	return "node"
}

// typeOf returns a resource's Type ("" when absent).
func typeOf(res *yaml.Node) string {
	if t := get(res, "Type"); t != nil {
		return t.Value
	}
	return ""
}
