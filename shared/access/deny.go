package access

import (
	"keygate/shared/keys"

	"github.com/aws/aws-lambda-go/events"
)

// Deny returns an explicit Deny of every route of the API stage base, with
// reason in the context. principalID is the user id when known; an empty or
// invalid one becomes AnonymousPrincipal.
func Deny(base, principalID string, reason keys.Reason) events.APIGatewayCustomAuthorizerResponse {
	if !keys.ValidID(principalID) {
		principalID = AnonymousPrincipal
	}
	return events.APIGatewayCustomAuthorizerResponse{
		PrincipalID: principalID,
		PolicyDocument: events.APIGatewayCustomAuthorizerPolicy{
			Version: policyVersion,
			Statement: []events.IAMPolicyStatement{{
				Action:   []string{actionInvoke},
				Effect:   "Deny",
				Resource: []string{base + "/*/*"},
			}},
		},
		Context: map[string]interface{}{KeyReason: string(reason)},
	}
}
