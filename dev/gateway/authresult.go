package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// unauthorizedMessage is the error message with which a Lambda authorizer
// asks API Gateway for a 401.
const unauthorizedMessage = "Unauthorized"

// parseAuthResponse validates an authorizer's JSON response as API Gateway
// does and returns what it would cache. principalId must be a non-empty
// string, the policy document must be valid, and context values must be
// strings, numbers or booleans (null values are dropped); numbers and
// booleans are stringified as API Gateway passes them to integrations.
func parseAuthResponse(raw []byte) (authResult, error) {
	var resp struct {
		PrincipalID        json.RawMessage            `json:"principalId"`
		PolicyDocument     json.RawMessage            `json:"policyDocument"`
		Context            map[string]json.RawMessage `json:"context"`
		UsageIdentifierKey *string                    `json:"usageIdentifierKey"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&resp); err != nil {
		return authResult{}, fmt.Errorf("authorizer response: %w", err)
	}
	var principal string
	if err := json.Unmarshal(resp.PrincipalID, &principal); err != nil || principal == "" {
		return authResult{}, errors.New("authorizer response: principalId must be a non-empty string")
	}
	if len(resp.PolicyDocument) == 0 || string(resp.PolicyDocument) == "null" {
		return authResult{}, errors.New("authorizer response: no policyDocument")
	}
	policy, err := ParsePolicy(resp.PolicyDocument)
	if err != nil {
		return authResult{}, fmt.Errorf("authorizer response: %w", err)
	}
	ctx := make(map[string]string, len(resp.Context))
	for k, v := range resp.Context {
		s, ok, err := scalarString(v)
		if err != nil {
			return authResult{}, fmt.Errorf("authorizer response: context %q: %w", k, err)
		}
		if ok {
			ctx[k] = s
		}
	}
	res := authResult{PrincipalID: principal, Policy: policy, Context: ctx}
	if resp.UsageIdentifierKey != nil {
		res.UsageKey = *resp.UsageIdentifierKey
	}
	return res, nil
}

// scalarString stringifies a JSON scalar. ok is false for null.
func scalarString(v json.RawMessage) (string, bool, error) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || string(v) == "null" {
		return "", false, nil
	}
	switch v[0] {
	case '"':
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return "", false, err
		}
		return s, true, nil
	case 't', 'f':
		b, err := strconv.ParseBool(string(v))
		if err != nil {
			return "", false, err
		}
		return strconv.FormatBool(b), true, nil
	case '{', '[':
		return "", false, errors.New("must be a string, number or boolean, not an object or array")
	default:
		if _, err := strconv.ParseFloat(string(v), 64); err != nil {
			return "", false, fmt.Errorf("not a JSON scalar: %s", v)
		}
		return string(v), true, nil
	}
}
