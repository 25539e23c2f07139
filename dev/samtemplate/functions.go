package samtemplate

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// functions reads every AWS::Serverless::Function with the Globals.Function section applied.
func functions(r *resolver, globals *yaml.Node) (map[string]Function, error) {
	out := map[string]Function{}
	for _, id := range sortedKeys(r.resources) {
		res := r.resources[id]
		if typeOf(res) != "AWS::Serverless::Function" {
			continue
		}
		f, err := function(r, id, res, globals)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", id, err)
		}
		out[id] = f
	}
	return out, nil
}

func function(r *resolver, id string, res, globals *yaml.Node) (Function, error) {
	props := get(res, "Properties")
	prop := func(key string) *yaml.Node { // the function's value, else the global one
		if v := get(props, key); v != nil {
			return v
		}
		return get(globals, key)
	}
	f := Function{Env: map[string]string{}}
	strs := map[string]*string{
		"CodeUri": &f.CodeURI, "Runtime": &f.Runtime, "Handler": &f.Handler,
	}
	for key, dst := range strs {
		if v := prop(key); v != nil {
			s, err := r.str(v)
			if err != nil && !errors.Is(err, errNoValue) {
				return f, fmt.Errorf("%s: %w", key, err)
			}
			*dst = s
		}
	}
	ints := map[string]*int{"MemorySize": &f.MemorySize, "Timeout": &f.Timeout}
	for key, dst := range ints {
		if v := prop(key); v != nil {
			s, err := r.str(v)
			if err != nil {
				return f, fmt.Errorf("%s: %w", key, err)
			}
			if *dst, err = strconv.Atoi(s); err != nil {
				return f, fmt.Errorf("%s %q: %w", key, s, err)
			}
		}
	}
	var err error
	if f.Architectures, err = r.list(prop("Architectures")); err != nil {
		return f, fmt.Errorf("Architectures: %w", err)
	}
	if v := get(get(res, "Metadata"), "BuildMethod"); v != nil {
		f.BuildMethod = v.Value
	}
	// Maps merge: the function's keys win over the global ones.
	for _, logging := range []*yaml.Node{get(globals, "LoggingConfig"), get(props, "LoggingConfig")} {
		if v := get(logging, "LogFormat"); v != nil {
			f.LogFormat = v.Value
		}
		if v := get(logging, "LogGroup"); v != nil {
			if f.LogGroup, err = r.str(v); err != nil {
				return f, fmt.Errorf("LoggingConfig.LogGroup: %w", err)
			}
		}
	}
	for _, env := range []*yaml.Node{get(get(globals, "Environment"), "Variables"), get(get(props, "Environment"), "Variables")} {
		keys, vals := entries(env)
		for i, k := range keys {
			v, err := r.str(vals[i])
			if errors.Is(err, errNoValue) {
				delete(f.Env, k)
				continue
			}
			if err != nil {
				return f, fmt.Errorf("environment %s: %w", k, err)
			}
			f.Env[k] = v
		}
	}
	if err := policies(r, &f, get(props, "Policies")); err != nil {
		return f, fmt.Errorf("Policies: %w", err)
	}
	// Policies attached to the function's role by separate AWS::IAM::Policy resources.
	role := id + "Role"
	if v := get(props, "Role"); v != nil {
		s, err := r.str(v)
		if err != nil {
			return f, fmt.Errorf("Role: %w", err)
		}
		role, _, _ = strings.Cut(s, ".")
		if err := roleStatements(r, &f, r.resources[role]); err != nil {
			return f, fmt.Errorf("Role %s: %w", role, err)
		}
	}
	for _, pid := range sortedKeys(r.resources) {
		p := r.resources[pid]
		if typeOf(p) != "AWS::IAM::Policy" {
			continue
		}
		roles, err := r.list(get(get(p, "Properties"), "Roles"))
		if err != nil {
			return f, fmt.Errorf("%s.Roles: %w", pid, err)
		}
		for _, rl := range roles {
			if rl == role {
				st, err := statements(r, get(get(get(p, "Properties"), "PolicyDocument"), "Statement"))
				if err != nil {
					return f, fmt.Errorf("%s: %w", pid, err)
				}
				f.Policies = append(f.Policies, st...)
			}
		}
	}
	return f, nil
}

// policies reads a SAM Policies property: inline documents become statements; names, ARNs and
// SAM policy templates are listed in ManagedPolicies.
func policies(r *resolver, f *Function, n *yaml.Node) error {
	if n == nil {
		return nil
	}
	items := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode && !isIntrinsic(n) {
		items = n.Content
	}
	for _, item := range items {
		item, err := r.pick(item)
		if errors.Is(err, errNoValue) {
			continue
		}
		if err != nil {
			return err
		}
		if item.Kind != yaml.MappingNode || isIntrinsic(item) {
			s, err := r.str(item)
			if err != nil {
				return err
			}
			f.ManagedPolicies = append(f.ManagedPolicies, s)
			continue
		}
		if st := get(item, "Statement"); st != nil {
			sts, err := statements(r, st)
			if err != nil {
				return err
			}
			f.Policies = append(f.Policies, sts...)
			continue
		}
		keys, _ := entries(item)
		f.ManagedPolicies = append(f.ManagedPolicies, keys...)
	}
	return nil
}

// roleStatements adds the inline policies of an explicit AWS::IAM::Role.
func roleStatements(r *resolver, f *Function, role *yaml.Node) error {
	ps := get(get(role, "Properties"), "Policies")
	if ps == nil {
		return nil
	}
	for _, p := range ps.Content {
		st, err := statements(r, get(get(p, "PolicyDocument"), "Statement"))
		if err != nil {
			return err
		}
		f.Policies = append(f.Policies, st...)
	}
	keys, err := r.list(get(get(role, "Properties"), "ManagedPolicyArns"))
	f.ManagedPolicies = append(f.ManagedPolicies, keys...)
	return err
}

func statements(r *resolver, n *yaml.Node) ([]Statement, error) {
	items := []*yaml.Node{n}
	if n != nil && n.Kind == yaml.SequenceNode {
		items = n.Content
	}
	var out []Statement
	for _, item := range items {
		// A statement may be conditional (!If [cond, statement, !Ref AWS::NoValue]).
		item, err := r.pick(item)
		if errors.Is(err, errNoValue) || (err == nil && item == nil) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if get(item, "Effect") == nil {
			return nil, fmt.Errorf("line %d: statement without Effect", item.Line)
		}
		var s Statement
		if sid := get(item, "Sid"); sid != nil {
			s.Sid = sid.Value
		}
		if s.Effect, err = r.str(get(item, "Effect")); err != nil {
			return nil, err
		}
		if s.Actions, err = r.list(get(item, "Action")); err != nil {
			return nil, fmt.Errorf("Action: %w", err)
		}
		if s.Resources, err = r.list(get(item, "Resource")); err != nil {
			return nil, fmt.Errorf("Resource: %w", err)
		}
		if s.Conditions, err = conditions(r, get(item, "Condition")); err != nil {
			return nil, fmt.Errorf("Condition: %w", err)
		}
		out = append(out, s)
	}
	return out, nil
}

// conditions reads a statement's Condition block (nil when it has none).
func conditions(r *resolver, n *yaml.Node) (map[string]map[string][]string, error) {
	ops, blocks := entries(n)
	if len(ops) == 0 {
		return nil, nil
	}
	out := make(map[string]map[string][]string, len(ops))
	for i, op := range ops {
		keys, values := entries(blocks[i])
		out[op] = make(map[string][]string, len(keys))
		for j, key := range keys {
			v, err := r.list(values[j])
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", op, key, err)
			}
			out[op][key] = v
		}
	}
	return out, nil
}

// routes collects every function's Api events.
func routes(r *resolver, defaultAuthorizer string, apiKeyRequired bool) ([]Route, error) {
	var out []Route
	for _, id := range sortedKeys(r.resources) {
		res := r.resources[id]
		if typeOf(res) != "AWS::Serverless::Function" {
			continue
		}
		names, events := entries(get(get(res, "Properties"), "Events"))
		for i, name := range names {
			if typeOf(events[i]) != "Api" {
				continue
			}
			p := get(events[i], "Properties")
			path, err := r.str(get(p, "Path"))
			if err != nil {
				return nil, fmt.Errorf("%s.Events.%s.Path: %w", id, name, err)
			}
			method, err := r.str(get(p, "Method"))
			if err != nil {
				return nil, fmt.Errorf("%s.Events.%s.Method: %w", id, name, err)
			}
			rt := Route{Method: strings.ToUpper(method), Path: path, FunctionID: id, EventID: name,
				Authorizer: defaultAuthorizer}
			if a := get(get(p, "Auth"), "Authorizer"); a != nil {
				rt.Authorizer = a.Value
			}
			if rt.Authorizer == "NONE" {
				rt.Authorizer = ""
			}
			rt.Authorized = rt.Authorizer != ""
			rt.APIKeyRequired = apiKeyRequired
			if v := get(get(p, "Auth"), "ApiKeyRequired"); v != nil {
				rt.APIKeyRequired = v.Value == "true"
			}
			out = append(out, rt)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Method < out[j].Method
	})
	return out, nil
}
