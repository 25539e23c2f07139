package webhookdelivery

import (
	"context"

	"keygate/shared/lambdaenv"
	"keygate/shared/webhooks"
)

// Wire builds the function from its environment: the one wiring its
// bootstrap and the local stack both call. dlq, when not nil, receives the
// dead letters instead of DEAD_LETTER_QUEUE_URL's queue (the local stack's
// file); deliver tunes the Deliverer (tests skip its waits).
func Wire(ctx context.Context, d lambdaenv.Deps, dlq webhooks.DeadLetters, deliver webhooks.DeliverConfig) (*Function, error) {
	cfg, err := ConfigFromEnv(d.Getenv)
	if err != nil {
		return nil, err
	}
	logger := d.LoggerFor(cfg.LogLevel)
	st, err := d.Store(ctx, cfg.Base)
	if err != nil {
		return nil, err
	}
	if dlq == nil {
		if cfg.DeadLetterQueueURL == "" {
			return nil, errNoQueue
		}
		client, err := newSQSClient(d.Getenv, cfg.Region, cfg.DynamoDBEndpoint != "")
		if err != nil {
			return nil, err
		}
		dlq = SQSDeadLetters{API: client, QueueURL: cfg.DeadLetterQueueURL}
	}
	deliver.AllowLoopback = cfg.AllowLoopback
	deliver.Logger = logger
	return New(webhooks.NewDeliverer(st, dlq, deliver), logger), nil
}
