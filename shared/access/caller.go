package access

import (
	"context"
	"fmt"

	"github.com/awslabs/aws-lambda-go-api-proxy/core"

	"keygate/shared/keys"
)

// Caller is who calls a key route: the key and its user as the authorizer's
// context names them (Identity), and the request's source address, user
// agent and id, for the audit log. shared/httpapi resolves it once per
// request, before the route's handler runs, and hands it to the handler.
type Caller struct {
	Identity
	SourceIP, UserAgent, RequestID string
}

// Keys is the caller as the use cases of shared/keys and shared/webhooks
// take it.
func (c Caller) Keys() keys.Caller {
	return keys.Caller{UserID: c.UserID, KeyID: c.KeyID, Scopes: c.Scopes, Token: c.Token,
		SourceIP: c.SourceIP, UserAgent: c.UserAgent, RequestID: c.RequestID}
}

// CallerFromContext reads the caller from the API Gateway request context
// that aws-lambda-go-api-proxy stores in ctx. A missing or invalid
// authorizer context (IdentityFromAuthorizer) is an error wrapping
// ErrContext: a configuration error (500), never an anonymous caller.
func CallerFromContext(ctx context.Context) (Caller, error) {
	rc, ok := core.GetAPIGatewayContextFromContext(ctx)
	if !ok {
		return Caller{}, fmt.Errorf("%w: no API Gateway request context", ErrContext)
	}
	id, err := IdentityFromAuthorizer(rc.Authorizer)
	if err != nil {
		return Caller{}, err
	}
	return Caller{Identity: id, SourceIP: rc.Identity.SourceIP, UserAgent: rc.Identity.UserAgent, RequestID: rc.RequestID}, nil
}
