package authorizer

import (
	"context"
	"fmt"
	"time"

	"keygate/shared/keys"
	"keygate/shared/lambdaenv"
	"keygate/shared/oidc"
	"keygate/shared/store"
)

// Wire builds the authorizer from its environment: the one wiring its
// bootstrap and the local gateway both call. api is the DynamoDB client
// (nil: one built from the environment). A configuration error stops the
// start.
func Wire(ctx context.Context, d lambdaenv.Deps, api store.API) (*Handler, error) {
	s, err := d.Env.Authorizer()
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, api, s.DynamoDB, s.AWS)
	if err != nil {
		return nil, err
	}
	cfg := ConfigFrom(s)
	cfg.Now = d.Now
	doc, err := d.APIDocument()
	if err != nil {
		return nil, err
	}
	cfg.Operations = OperationsOf(doc)
	for _, sc := range doc.Scopes {
		cfg.TokenRules.APIScopes = append(cfg.TokenRules.APIScopes, keys.Scope(sc.Name))
	}
	logger := d.LoggerFor(s.LogLevel)
	if j := s.JWT; j.Issuer != "" {
		cfg.Tokens, err = oidc.New(ctx, oidc.Config{Issuer: j.Issuer, Audience: j.Audience, JWKSURL: j.JWKSURL, UserClaim: j.UserClaim,
			ScopePrefix: j.ScopePrefix, AllowLoopbackHTTP: j.AllowLoopbackHTTP}, nil, d.Now, logger)
		if err != nil {
			return nil, err
		}
	}
	if cfg.Upstream.Audience != "" {
		now := time.Now
		if d.Now != nil {
			now = d.Now
		}
		if cfg.Signer, err = newSigner(ctx, cfg.Upstream, s.AWS, st, now(), logger); err != nil {
			return nil, fmt.Errorf("identity assertion: %w", err)
		}
	}
	return New(st, cfg, logger), nil
}
