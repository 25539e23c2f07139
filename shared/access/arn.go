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
	accountLen   = 12
	maxAPIIDLen  = 64
	maxStageLen  = 128
	maxMethodLen = 16
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
	return allBytes(s, maxRegionLen, func(c byte) bool { return isLower(c) || isDigit(c) || c == '-' }) &&
		s[0] != '-' && s[len(s)-1] != '-'
}

func validAccount(s string) bool { return len(s) == accountLen && allBytes(s, accountLen, isDigit) }

func validAPIID(s string) bool { return allBytes(s, maxAPIIDLen, isAlnum) }

func validStage(s string) bool {
	return allBytes(s, maxStageLen, func(c byte) bool { return isAlnum(c) || c == '-' || c == '_' })
}

// validMethod accepts an upper-case HTTP method or "*" (API Gateway's ANY).
func validMethod(s string) bool { return s == "*" || allBytes(s, maxMethodLen, isUpper) }

// allBytes reports whether s has 1 to maxLen bytes, each accepted by ok.
func allBytes(s string, maxLen int, ok func(byte) bool) bool {
	if s == "" || len(s) > maxLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

func isLower(c byte) bool { return 'a' <= c && c <= 'z' }
func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isAlnum(c byte) bool { return isLower(c) || isUpper(c) || isDigit(c) }

// StageURL returns the invoke URL of the stage whose base ParseMethodARN
// returned: https://<apiId>.execute-api.<region>.amazonaws.com/<stage>
// (amazonaws.com.cn in aws-cn), as the template's ApiUrl output names it.
func StageURL(base string) string {
	parts := strings.SplitN(base, ":", 6)
	if len(parts) != 6 {
		return ""
	}
	apiID, stage, _ := strings.Cut(parts[5], "/")
	suffix := "amazonaws.com"
	if parts[1] == "aws-cn" {
		suffix = "amazonaws.com.cn"
	}
	return "https://" + apiID + ".execute-api." + parts[3] + "." + suffix + "/" + stage
}
