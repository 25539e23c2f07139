package authorizer

import (
	"context"

	"keygate/shared/lambdaenv"
)

// Wire builds the authorizer from its environment: the one wiring its
// bootstrap and the local gateway both call. A configuration error stops
// the start.
func Wire(ctx context.Context, d lambdaenv.Deps) (*Handler, error) {
	cfg, err := ConfigFromEnv(d.Getenv)
	if err != nil {
		return nil, err
	}
	st, err := d.Store(ctx, lambdaenv.Base{TableName: cfg.TableName, DynamoDBEndpoint: cfg.DynamoDBEndpoint, Region: cfg.Region})
	if err != nil {
		return nil, err
	}
	cfg.Now = d.Now
	return New(st, cfg, d.LoggerFor(cfg.LogLevel)), nil
}
