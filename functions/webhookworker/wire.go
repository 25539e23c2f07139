package webhookworker

import (
	"context"

	"keygate/shared/deliveryqueue"
	"keygate/shared/lambdaenv"
	"keygate/shared/store"
	"keygate/shared/webhooks"
)

// Wire builds the function from its environment (lambdaenv.WebhookWorker):
// the one wiring its bootstrap and the local stack both call. api is the
// DynamoDB client (nil: one built from the environment); deliver tunes the
// attempts (tests inject a clock and a shorter schedule; the environment
// sets AllowLoopback, AuditRetention and the logger).
func Wire(ctx context.Context, d lambdaenv.Deps, api store.API, deliver webhooks.DeliverConfig) (*Function, error) {
	s, err := d.Env.WebhookWorker()
	if err != nil {
		return nil, err
	}
	logger := d.LoggerFor(s.LogLevel)
	st, err := store.Open(ctx, api, s.DynamoDB, s.AWS)
	if err != nil {
		return nil, err
	}
	client, err := deliveryqueue.NewClient(s.AWS, s.SQSEndpoint)
	if err != nil {
		return nil, err
	}
	deliver.AllowLoopback, deliver.AuditRetention, deliver.Logger = s.AllowLoopback, s.AuditRetention, logger
	deliver.MetricsNamespace = s.MetricsNamespace
	if deliver.RiskyAttempts == 0 {
		// Half the worker's concurrency for failing or slow endpoints, of
		// every user together: prompt ones always have the other half.
		deliver.RiskyAttempts = max(1, s.Concurrency/2)
	}
	dlq := deliveryqueue.DeadLetters{API: client, URL: s.DeadLetterQueueURL}
	worker := webhooks.NewWorker(webhooks.NewDeliverer(st, dlq, deliver), st, deliveryqueue.Queue{API: client, URL: s.DeliveryQueueURL})
	return New(worker, logger), nil
}
