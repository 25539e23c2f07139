package authorizer

import (
	"context"
	"fmt"
	"time"

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
	logger := d.LoggerFor(cfg.LogLevel)
	if cfg.Upstream.Audience != "" {
		now := time.Now
		if d.Now != nil {
			now = d.Now
		}
		if cfg.Signer, err = newSigner(ctx, cfg.Upstream, d.Getenv, st, now(), logger); err != nil {
			return nil, fmt.Errorf("identity assertion: %w", err)
		}
	}
	return New(st, cfg, logger), nil
}
