package gateway

import (
	"net/http"
	"strings"

	"keygate/dev/samtemplate"
)

// matcher evaluates an AWS WAF match statement on a request as AWS WAF
// does for the fields the local gateway emulates: the method, the URI path
// as the client sent it (the stage included), one header's value.
func matcher(st samtemplate.WAFStatement) func(*http.Request) bool {
	switch st.Kind {
	case "And", "Or":
		children := make([]func(*http.Request) bool, len(st.Statements))
		for i, c := range st.Statements {
			children[i] = matcher(c)
		}
		all := st.Kind == "And"
		return func(r *http.Request) bool {
			for _, c := range children {
				if c(r) != all {
					return !all
				}
			}
			return all
		}
	case "Not":
		inner := matcher(st.Statements[0])
		return func(r *http.Request) bool { return !inner(r) }
	}
	field := func(r *http.Request) string {
		switch {
		case st.Field == "method":
			return r.Method
		case st.Field == "uripath":
			return r.URL.EscapedPath()
		}
		return r.Header.Get(strings.TrimPrefix(st.Field, "header:"))
	}
	if st.Kind == "ByteMatch" {
		return func(r *http.Request) bool {
			v := field(r)
			switch st.Positional {
			case "EXACTLY":
				return v == st.Search
			case "STARTS_WITH":
				return strings.HasPrefix(v, st.Search)
			case "ENDS_WITH":
				return strings.HasSuffix(v, st.Search)
			}
			return strings.Contains(v, st.Search)
		}
	}
	return func(r *http.Request) bool {
		n := len(field(r))
		switch st.Comparison {
		case "EQ":
			return n == st.Size
		case "NE":
			return n != st.Size
		case "LE":
			return n <= st.Size
		case "LT":
			return n < st.Size
		case "GE":
			return n >= st.Size
		}
		return n > st.Size
	}
}
