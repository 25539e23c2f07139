package access

import (
	"errors"
	"strings"
)

// ErrMethodARN is returned for a methodArn that is not a well-formed
// execute-api ARN. It is an infrastructure or configuration error: the
// authorizer never answers it with Allow.
var ErrMethodARN = errors.New("access: malformed methodArn")

// Limits on the parts of a methodArn, from API Gateway's naming rules.
const (
	maxRegionLen = 32
	maxAPIIDLen  = 64
	maxStageLen  = 128
)

// ParseMethodARN returns the base of an API Gateway methodArn,
// "arn:<partition>:execute-api:<region>:<account>:<apiId>/<stage>", after
// checking every part: partition aws, aws-cn or aws-us-gov; region lowercase
// letters, digits and dashes; a 12-digit account; an alphanumeric API id; a
// stage of letters, digits, '-' and '_'; and a method after the stage. The
// base is a substring of methodArn, so parsing does not allocate.
func ParseMethodARN(methodARN string) (string, error) {
	rest, ok := strings.CutPrefix(methodARN, "arn:")
	if !ok {
		return "", ErrMethodARN
	}
	partition, rest, ok := strings.Cut(rest, ":")
	if !ok || (partition != "aws" && partition != "aws-cn" && partition != "aws-us-gov") {
		return "", ErrMethodARN
	}
	rest, ok = strings.CutPrefix(rest, "execute-api:")
	if !ok {
		return "", ErrMethodARN
	}
	region, rest, ok := strings.Cut(rest, ":")
	if !ok || !validRegion(region) {
		return "", ErrMethodARN
	}
	account, rest, ok := strings.Cut(rest, ":")
	if !ok || !validAccount(account) {
		return "", ErrMethodARN
	}
	apiID, rest, ok := strings.Cut(rest, "/")
	if !ok || !validAPIID(apiID) {
		return "", ErrMethodARN
	}
	stage, rest, ok := strings.Cut(rest, "/")
	if !ok || !validStage(stage) {
		return "", ErrMethodARN
	}
	method, _, _ := strings.Cut(rest, "/")
	if !validMethod(method) {
		return "", ErrMethodARN
	}
	return methodARN[:len(methodARN)-len(rest)-1], nil
}

func validRegion(s string) bool {
	if s == "" || len(s) > maxRegionLen || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func validAccount(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func validAPIID(s string) bool {
	if s == "" || len(s) > maxAPIIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func validStage(s string) bool {
	if s == "" || len(s) > maxStageLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// validMethod accepts an upper-case HTTP method or "*" (API Gateway's ANY).
func validMethod(s string) bool {
	if s == "*" {
		return true
	}
	if s == "" || len(s) > 16 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}
