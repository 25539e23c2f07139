package config

import (
	"context"

	"keygate/shared/lambdaenv"
)

// Wire builds the function from its environment: the one wiring its
// bootstrap and the local gateway both call. It needs no DynamoDB client.
func Wire(_ context.Context, d lambdaenv.Deps) (*Function, error) {
	cfg, err := ConfigFromEnv(d.Getenv)
	if err != nil {
		return nil, err
	}
	cfg.Logger = d.LoggerFor(cfg.LogLevel)
	return New(cfg)
}
