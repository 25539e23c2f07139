package webhooks

import (
	"context"

	"keygate/shared/lambdaenv"
	"keygate/shared/webhooks"
)

// Wire builds the function from its environment: the one wiring its
// bootstrap and the local gateway both call.
func Wire(ctx context.Context, d lambdaenv.Deps) (*Function, error) {
	cfg, err := ConfigFromEnv(d.Getenv)
	if err != nil {
		return nil, err
	}
	cfg.Logger = d.LoggerFor(cfg.LogLevel)
	st, err := d.Store(ctx, cfg.Base)
	if err != nil {
		return nil, err
	}
	return New(cfg, webhooks.NewService(st, webhooks.ServiceConfig{Now: d.Now, AllowLoopbackHTTP: cfg.AllowLoopbackHTTP,
		AuditRetention: cfg.AuditRetention}))
}
