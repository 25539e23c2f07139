package webhooks

import (
	"context"

	"keygate/shared/lambdaenv"
	"keygate/shared/store"
	"keygate/shared/webhooks"
)

// Wire builds the function from its environment: the one wiring its
// bootstrap and the local gateway both call. api is the DynamoDB client
// (nil: one built from the environment).
func Wire(ctx context.Context, d lambdaenv.Deps, api store.API) (*Function, error) {
	s, err := d.Env.Webhooks()
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, api, s.DynamoDB, s.AWS)
	if err != nil {
		return nil, err
	}
	return New(Config{AllowOrigin: s.AllowOrigin, Logger: d.LoggerFor(s.LogLevel)},
		webhooks.NewService(st, webhooks.ServiceConfig{Now: d.Now, AllowLoopbackHTTP: s.AllowLoopback, AuditRetention: s.AuditRetention}))
}
