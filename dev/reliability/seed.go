package reliability

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"keygate/shared/apikey"
	"keygate/shared/keys"
	"keygate/shared/store"
)

// Principal is a seeded user with a workspace they own and one API key.
type Principal struct {
	UserID      string
	WorkspaceID string
	Token       string // the key's token
	KeyID       string
	Hash        string
}

// Secrets returns what must never appear in a log: the token, its secret
// part and its hash.
func (p Principal) Secrets() []string {
	return Secrets(p.Token)
}

// Secrets returns the token, its secret part (everything after the id) and
// its hash.
func Secrets(token string) []string {
	out := []string{token, apikey.Hash(token)}
	for i := 0; i < len(token); i++ {
		if token[i] == '_' {
			if rest := token[i+1:]; len(rest) > 16 {
				out = append(out, rest[16:])
			}
			break
		}
	}
	return out
}

// Seed creates user <name>, workspace ws-<name> owned by them and a key with
// the given scopes (all when none) and prefix (apikey.DefaultPrefix when "").
func Seed(ctx context.Context, st *store.Store, name, prefix string, scopes ...keys.Scope) (Principal, error) {
	if prefix == "" {
		prefix = apikey.DefaultPrefix
	}
	if len(scopes) == 0 {
		scopes = keys.AllScopes
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	p := Principal{UserID: name, WorkspaceID: "ws-" + name}
	if err := st.PutUser(ctx, keys.User{ID: p.UserID, Name: name, Email: name + "@example.com", CreatedAt: now}); err != nil {
		return p, fmt.Errorf("seed user: %w", err)
	}
	if err := st.PutWorkspace(ctx, keys.Workspace{ID: p.WorkspaceID, Name: "Workspace " + name, CreatedAt: now}); err != nil {
		return p, fmt.Errorf("seed workspace: %w", err)
	}
	if err := st.PutMembership(ctx, keys.Membership{UserID: p.UserID, WorkspaceID: p.WorkspaceID, Role: keys.RoleOwner, CreatedAt: now}); err != nil {
		return p, fmt.Errorf("seed membership: %w", err)
	}
	k, err := apikey.Generate(prefix)
	if err != nil {
		return p, err
	}
	if err := st.CreateKey(ctx, keys.NewKey(k, p.UserID, "seed", scopes, now, nil), nil); err != nil {
		return p, fmt.Errorf("seed key: %w", err)
	}
	p.Token, p.KeyID, p.Hash = k.Token, k.ID, k.Hash
	return p, nil
}

// AuthorizerEvent is the REQUEST event API Gateway sends the authorizer for
// GET /open/auth/whoami with the token as a Bearer credential.
func AuthorizerEvent(token string) events.APIGatewayCustomAuthorizerRequestTypeRequest {
	h := "Bearer " + token
	return events.APIGatewayCustomAuthorizerRequestTypeRequest{
		Type:              "REQUEST",
		MethodArn:         "arn:aws:execute-api:us-east-1:123456789012:keygatelcl/Prod/GET/open/auth/whoami",
		Resource:          "/open/auth/whoami",
		Path:              "/open/auth/whoami",
		HTTPMethod:        "GET",
		Headers:           map[string]string{"Authorization": h},
		MultiValueHeaders: map[string][]string{"Authorization": {h}},
		RequestContext: events.APIGatewayCustomAuthorizerRequestTypeRequestContext{
			AccountID: "123456789012", APIID: "keygatelcl", Stage: "Prod", HTTPMethod: "GET",
			ResourcePath: "/open/auth/whoami", RequestID: "reliability",
		},
	}
}
