package streams

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Filter is one FilterCriteria pattern of an event-source mapping. The
// subset of Lambda's filter syntax keygate's template uses is emulated:
// objects nest, and a leaf is a list of exact strings or {"prefix": ...}
// matchers, one of which the record's value must match.
type Filter struct{ pattern map[string]any }

// ParseFilter reads a pattern; one the emulation cannot evaluate is an
// error (the local stack refuses to start rather than deliver differently).
func ParseFilter(pattern string) (Filter, error) {
	var m map[string]any
	if err := json.Unmarshal([]byte(pattern), &m); err != nil {
		return Filter{}, fmt.Errorf("streams: filter %s: %w", pattern, err)
	}
	if err := check(m); err != nil {
		return Filter{}, fmt.Errorf("streams: filter %s: %w", pattern, err)
	}
	return Filter{pattern: m}, nil
}

func check(m map[string]any) error {
	for k, v := range m {
		switch v := v.(type) {
		case map[string]any:
			if err := check(v); err != nil {
				return err
			}
		case []any:
			for _, e := range v {
				switch e := e.(type) {
				case string:
				case map[string]any:
					if _, ok := e["prefix"].(string); !ok || len(e) != 1 {
						return fmt.Errorf("%s: only exact strings and {\"prefix\": ...} are emulated", k)
					}
				default:
					return fmt.Errorf("%s: only exact strings and {\"prefix\": ...} are emulated", k)
				}
			}
		default:
			return fmt.Errorf("%s: want an object or a list", k)
		}
	}
	return nil
}

// Match reports whether record (the JSON form Lambda filters: eventName,
// dynamodb.Keys, dynamodb.NewImage, ...) matches the pattern.
func (f Filter) Match(record map[string]any) bool { return match(f.pattern, record) }

func match(pattern, value map[string]any) bool {
	for k, p := range pattern {
		v, ok := value[k]
		if !ok {
			return false
		}
		switch p := p.(type) {
		case map[string]any:
			vm, ok := v.(map[string]any)
			if !ok || !match(p, vm) {
				return false
			}
		case []any:
			s, ok := v.(string)
			if !ok || !anyMatches(p, s) {
				return false
			}
		}
	}
	return true
}

func anyMatches(alternatives []any, s string) bool {
	for _, a := range alternatives {
		switch a := a.(type) {
		case string:
			if a == s {
				return true
			}
		case map[string]any:
			if strings.HasPrefix(s, a["prefix"].(string)) {
				return true
			}
		}
	}
	return false
}
