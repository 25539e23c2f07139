package httpapi

import (
	"net/http"
	"unicode/utf8"

	"github.com/awslabs/aws-lambda-go-api-proxy/core"

	"keygate/shared/apperr"
)

// ReadHeaders are the request headers keygate's functions read: the
// Content-Type of a body (DecodeJSON) and the User-Agent, which the audit
// log records as the actor's (API Gateway passes it as
// requestContext.identity.userAgent too). Authorization is the
// authorizer's: a value that is not a well-formed token, invalid UTF-8
// included, is its 401.
var ReadHeaders = []string{"Content-Type", "User-Agent"}

// checkHeaders refuses a request whose ReadHeaders, or the user agent of its
// API Gateway request context, are not valid UTF-8: such bytes would be
// stored as U+FFFD, or not at all, instead of what was sent.
func checkHeaders(r *http.Request) error {
	for _, name := range ReadHeaders {
		for _, v := range r.Header.Values(name) {
			if !utf8.ValidString(v) {
				return apperr.Errorf(apperr.BadRequest, "header %s is not valid UTF-8", name)
			}
		}
	}
	if rc, ok := core.GetAPIGatewayContextFromContext(r.Context()); ok && !utf8.ValidString(rc.Identity.UserAgent) {
		return apperr.Errorf(apperr.BadRequest, "header User-Agent is not valid UTF-8")
	}
	return nil
}
