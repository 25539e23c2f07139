package authorizer

import "strings"

const (
	headerAuthorization = "Authorization"
	schemeBearer        = "Bearer"
)

// authorizationValue returns the one Authorization header value of a REQUEST
// event. The header name matches case-insensitively in headers and
// multiValueHeaders; API Gateway usually fills both with the same value. It
// reports false when the header is missing or has several values (several
// names differing in case, several multi-values, or headers and
// multiValueHeaders disagreeing).
func authorizationValue(headers map[string]string, multi map[string][]string) (string, bool) {
	value, found := "", false
	for name, vs := range multi {
		if !strings.EqualFold(name, headerAuthorization) {
			continue
		}
		for _, v := range vs {
			if found {
				return "", false
			}
			value, found = v, true
		}
	}
	fromMulti := found
	single := false
	for name, v := range headers {
		if !strings.EqualFold(name, headerAuthorization) {
			continue
		}
		if single {
			return "", false // two names differing in case
		}
		single = true
		if fromMulti {
			if v != value {
				return "", false
			}
			continue
		}
		value, found = v, true
	}
	return value, found
}

// bearerToken returns the token of a "Bearer <token>" value: the scheme
// matched case-insensitively, separated from the token by one or more spaces
// or tabs, surrounding spaces and tabs trimmed. It reports false for anything
// else, including an empty token.
func bearerToken(value string) (string, bool) {
	v := strings.Trim(value, " \t")
	if len(v) <= len(schemeBearer) || !strings.EqualFold(v[:len(schemeBearer)], schemeBearer) {
		return "", false
	}
	rest := v[len(schemeBearer):]
	if rest[0] != ' ' && rest[0] != '\t' {
		return "", false
	}
	token := strings.TrimLeft(rest, " \t")
	if token == "" || strings.ContainsAny(token, " \t") {
		return "", false
	}
	return token, true
}
