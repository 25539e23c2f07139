package webhookdelivery

import (
	"context"

	"keygate/shared/deliveryqueue"
	"keygate/shared/lambdaenv"
	"keygate/shared/store"
)

// Wire builds the function from its environment (lambdaenv.WebhookDelivery):
// the one wiring its bootstrap and the local stack both call. api is the
// DynamoDB client (nil: one built from the environment).
func Wire(ctx context.Context, d lambdaenv.Deps, api store.API) (*Function, error) {
	s, err := d.Env.WebhookDelivery()
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
	return New(st, deliveryqueue.Queue{API: client, URL: s.DeliveryQueueURL}, logger), nil
}
