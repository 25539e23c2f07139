package samtemplate

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"

	"gopkg.in/yaml.v3"
)

// parameters reads the Parameters section (no intrinsics are allowed there).
func parameters(section *yaml.Node) (map[string]Parameter, error) {
	out := map[string]Parameter{}
	keys, vals := entries(section)
	for i, name := range keys {
		n := vals[i]
		p := Parameter{Name: name}
		if v := get(n, "Type"); v != nil {
			p.Type = v.Value
		}
		if v := get(n, "Default"); v != nil {
			p.Default, p.HasDefault = v.Value, true
		}
		if v := get(n, "AllowedPattern"); v != nil {
			p.AllowedPattern = v.Value
		}
		if v := get(n, "AllowedValues"); v != nil {
			for _, c := range v.Content {
				p.AllowedValues = append(p.AllowedValues, c.Value)
			}
		}
		for key, dst := range map[string]**float64{"MinValue": &p.MinValue, "MaxValue": &p.MaxValue} {
			if v := get(n, key); v != nil {
				f, err := strconv.ParseFloat(v.Value, 64)
				if err != nil {
					return nil, fmt.Errorf("parameter %s: %s %q: %w", name, key, v.Value, err)
				}
				*dst = &f
			}
		}
		p.Value = p.Default
		out[name] = p
	}
	return out, nil
}

// applyOverrides sets parameter values, pseudo parameters and resource refs from overrides.
func applyOverrides(params map[string]Parameter, r *resolver, overrides map[string]string) error {
	for _, name := range sortedKeys(overrides) {
		v := overrides[name]
		if p, ok := params[name]; ok {
			if err := p.Check(v); err != nil {
				return err
			}
			p.Value = v
			params[name] = p
			continue
		}
		if _, ok := r.pseudo[name]; ok {
			r.pseudo[name] = v
			continue
		}
		if _, ok := r.resources[name]; ok {
			r.refs[name] = v
			continue
		}
		return fmt.Errorf("override %s: no such parameter, pseudo parameter or resource", name)
	}
	for _, name := range sortedKeys(params) {
		if p := params[name]; !p.HasDefault {
			if _, ok := overrides[name]; !ok {
				return fmt.Errorf("parameter %s has no default and no override", name)
			}
		}
	}
	return nil
}

// Check reports whether CloudFormation would accept v for the parameter.
func (p Parameter) Check(v string) error {
	if len(p.AllowedValues) > 0 && !slices.Contains(p.AllowedValues, v) {
		return fmt.Errorf("parameter %s: %q is not one of %v", p.Name, v, p.AllowedValues)
	}
	if p.AllowedPattern != "" {
		re, err := regexp.Compile("^(?:" + p.AllowedPattern + ")$")
		if err != nil {
			return fmt.Errorf("parameter %s: AllowedPattern: %w", p.Name, err)
		}
		if !re.MatchString(v) {
			return fmt.Errorf("parameter %s: %q does not match %s", p.Name, v, p.AllowedPattern)
		}
	}
	if p.Type == "Number" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return fmt.Errorf("parameter %s: %q is not a number", p.Name, v)
		}
		if p.MinValue != nil && f < *p.MinValue || p.MaxValue != nil && f > *p.MaxValue {
			return fmt.Errorf("parameter %s: %s is out of range", p.Name, v)
		}
	}
	return nil
}
