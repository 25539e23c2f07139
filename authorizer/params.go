package authorizer

import (
	"net/url"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"keygate/shared/apidoc"
)

// workspaceParam is the path parameter of keygate's own workspace routes.
const workspaceParam = "workspaceId"

// requestedWorkspace is the workspace req names: its operation's
// x-keygate-workspace parameter, or keygate's {workspaceId}; "" for none.
func requestedWorkspace(req events.APIGatewayCustomAuthorizerRequestTypeRequest, op apidoc.Operation, isOp bool) string {
	if isOp {
		if op.WorkspaceParam == "" {
			return ""
		}
		return req.PathParameters[op.WorkspaceParam]
	}
	if strings.Contains(req.Resource, "{"+workspaceParam+"}") {
		return req.PathParameters[workspaceParam]
	}
	return ""
}

// safeParameters reports whether no path parameter of op holds what could
// take the upstream's path elsewhere. A value is decoded once more (API
// Gateway hands the authorizer decoded values; should one arrive encoded,
// it is judged as the upstream will read it, and one that does not decode
// is refused), then refused for a "/" (API Gateway decodes %2F into a
// parameter; only a greedy {name+} spans segments), a "%" (an encoding
// left after decoding), a "*" (the policy's wildcard), a "\" or a ";"
// (path separators and parameters to some servers: "..;" is ".." to
// Tomcat), or a "." or ".." segment. The upstream must refuse such paths
// too: a cached answer is reused without this check (docs/extend.md).
func safeParameters(op apidoc.Operation, params map[string]string) bool {
	for name, v := range params {
		if strings.Contains(v, "%") {
			decoded, err := url.PathUnescape(v)
			if err != nil {
				return false
			}
			v = decoded
		}
		if strings.ContainsAny(v, "%*\\;") {
			return false
		}
		segments := []string{v}
		if strings.Contains(op.Path, "{"+name+"+}") {
			segments = strings.Split(v, "/")
		}
		for _, s := range segments {
			if s == "." || s == ".." || strings.Contains(s, "/") {
				return false
			}
		}
	}
	return true
}
