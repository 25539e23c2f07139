package usageaggregator

import (
	"context"

	"keygate/shared/lambdaenv"
	"keygate/shared/store"
)

// Wire builds the function from its environment (lambdaenv.UsageAggregator):
// the one wiring its bootstrap and the local stack both call. api is the
// DynamoDB client (nil: one built from the environment).
func Wire(ctx context.Context, d lambdaenv.Deps, api store.API) (*Function, error) {
	s, err := d.Env.UsageAggregator()
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, api, s.DynamoDB, s.AWS)
	if err != nil {
		return nil, err
	}
	return New(st, s.Retention, d.LoggerFor(s.LogLevel)), nil
}
