package webhookdelivery

import (
	"context"
	"errors"

	"keygate/shared/lambdaenv"
	"keygate/shared/store"
	"keygate/shared/webhooks"
)

// Wire builds the function from its environment (lambdaenv.WebhookDelivery):
// the one wiring its bootstrap and the local stack both call. api is the
// DynamoDB client (nil: one built from the environment); dlq, when not nil,
// receives the dead letters instead of DEAD_LETTER_QUEUE_URL's queue (the
// local stack's file), and only then is no SQS client built; deliver tunes
// the Deliverer (tests skip its waits).
func Wire(ctx context.Context, d lambdaenv.Deps, api store.API, dlq webhooks.DeadLetters, deliver webhooks.DeliverConfig) (*Function, error) {
	s, err := d.Env.WebhookDelivery()
	if err != nil {
		return nil, err
	}
	logger := d.LoggerFor(s.LogLevel)
	st, err := store.Open(ctx, api, s.DynamoDB, s.AWS)
	if err != nil {
		return nil, err
	}
	if dlq == nil {
		if s.DeadLetterQueueURL == "" {
			return nil, errNoQueue
		}
		client, err := newSQSClient(s.AWS, s.DynamoDB.Local())
		if err != nil {
			return nil, err
		}
		dlq = SQSDeadLetters{API: client, QueueURL: s.DeadLetterQueueURL}
	}
	deliver.AllowLoopback, deliver.AuditRetention = s.AllowLoopback, s.AuditRetention
	deliver.Logger = logger
	return New(webhooks.NewDeliverer(st, dlq, deliver), logger), nil
}

// errNoQueue is the start's error without a dead-letter queue.
var errNoQueue = errors.New("DEAD_LETTER_QUEUE_URL is required")
