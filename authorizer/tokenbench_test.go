package authorizer

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"keygate/dev/testkit/oidcprovider"
	"keygate/shared/access"
	"keygate/shared/keys"
	"keygate/shared/oidc"
)

// BenchmarkAuthorizeTokenNonIO is BenchmarkAuthorizeNonIO for an access
// token of the OpenID provider: header lookup, Bearer parsing, the key
// format's refusal (its checksum), the JWS parse, the signature against the
// JWKS held in memory, the claims, the scopes within keygate's, methodArn
// parse, and the policy and context for three workspaces with the JSON the
// Lambda runtime writes. The JWKS is read once, before the loop: a known
// kid never reads it again. alg=RS256 (RSA 2048: the usual provider key,
// Amazon Cognito's) and alg=ES256.
func BenchmarkAuthorizeTokenNonIO(b *testing.B) {
	f := newNonIOFixture(b)
	p := oidcprovider.New(b, "bench-api")
	v, err := oidc.New(context.Background(), oidc.Config{Issuer: p.URL, Audience: "bench-api", AllowLoopbackHTTP: true}, nil, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	h := New(nil, Config{Tokens: v}, nil)
	for _, alg := range []struct{ name, kid string }{{"RS256", "rsa-1"}, {"ES256", "ec-1"}} {
		b.Run("alg="+alg.name, func(b *testing.B) {
			token := p.Sign(b, alg.kid, oidcprovider.Claims{"sub": f.key.UserID, "scope": "openid read write admin webhook", "exp": time.Now().Add(time.Hour).Unix()})
			req := &events.APIGatewayCustomAuthorizerRequestTypeRequest{
				MethodArn:         f.methodARN,
				Headers:           map[string]string{"Accept": "application/json", "Host": "abcdef1234.execute-api.us-east-1.amazonaws.com", "Authorization": "Bearer " + token},
				MultiValueHeaders: map[string][]string{"Accept": {"application/json"}, "Host": {"abcdef1234.execute-api.us-east-1.amazonaws.com"}, "Authorization": {"Bearer " + token}},
			}
			b.ReportAllocs()
			for b.Loop() {
				tokenAllowWithoutIO(b, h, f, req)
			}
		})
	}
}

// tokenAllowWithoutIO runs the steps of one uncached Allow for a token
// besides its DynamoDB call (the user's Query), as Handle does.
func tokenAllowWithoutIO(tb testing.TB, h *Handler, f nonIOFixture, req *events.APIGatewayCustomAuthorizerRequestTypeRequest) []byte {
	value, ok := authorizationValue(req.Headers, req.MultiValueHeaders)
	if !ok {
		tb.Fatal("no header")
	}
	token, ok := bearerToken(value)
	if !ok || !h.isToken(token) {
		tb.Fatal("not a token")
	}
	res, err := h.cfg.Tokens.Verify(context.Background(), token, time.Now())
	if err != nil || res.Refusal != "" {
		tb.Fatal(err, res.Refusal)
	}
	base, err := access.ParseMethodARN(req.MethodArn)
	if err != nil {
		tb.Fatal(err)
	}
	g := access.Grant{UserID: res.Claims.Subject, KeyID: keys.TokenUseID(res.Claims.Subject), Scopes: keys.TokenScopes(res.Claims.Scopes, nil),
		Memberships: f.memberships, Token: true}
	r, err := access.Allow(base, g)
	if err != nil {
		tb.Fatal(err)
	}
	out, err := json.Marshal(r.Response)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}
