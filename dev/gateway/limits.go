package gateway

import (
	"fmt"
	"net/http"
)

// The request limits of API Gateway REST APIs that keygate's size budget
// depends on. The local gateway enforces them so that e2e fails on a
// change that would break on AWS.
const (
	// maxMethodARNBytes bounds the method ARN of a method with
	// authorization enabled; past it the client gets 414 ("Amazon API
	// Gateway quotas and important notes"). Path parameter values count,
	// so a long key id in a path hits it at run time.
	maxMethodARNBytes = 1600
	// maxRequestHeaderBytes bounds the request line plus every header
	// name and value ("Total combined size of request line and header
	// values", 10,240 bytes, in the REST API quotas table).
	maxRequestHeaderBytes = 10240
	// maxPolicyResourceChars bounds one Resource of an authorizer policy
	// statement. A longer one makes the response malformed
	// (AUTHORIZER_CONFIGURATION_ERROR), however it would have matched.
	maxPolicyResourceChars = 512
)

// Responses for the limits (defaults in builtins): API Gateway answers
// these itself, outside the gateway response types, so templates cannot
// customize them.
const (
	typeURITooLong    = "uri-too-long"
	typeHeadersTooBig = "headers-too-large"
)

// requestHeaderBytes is the size of the request line and headers as API
// Gateway counts them: method, URI and protocol, then each "name: value".
func requestHeaderBytes(r *http.Request) int {
	n := len(r.Method) + 1 + len(r.URL.RequestURI()) + 1 + len(r.Proto)
	if r.Host != "" {
		n += len("Host: ") + len(r.Host)
	}
	for k, vs := range r.Header {
		for _, v := range vs {
			n += len(k) + 2 + len(v)
		}
	}
	return n
}

// checkPolicyResources refuses a policy with a statement Resource longer
// than API Gateway accepts.
func checkPolicyResources(p Policy) error {
	for i, s := range p.Statements {
		for _, r := range s.Resources {
			if len(r) > maxPolicyResourceChars {
				return fmt.Errorf("policy statement %d: Resource of %d characters, limit %d", i, len(r), maxPolicyResourceChars)
			}
		}
	}
	return nil
}
