package inproc

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"keygate/dev/sqslocal"
	"keygate/dev/sqsmapping"
	"keygate/dev/streams"
	"keygate/functions/usageaggregator"
	"keygate/functions/webhookdelivery"
	"keygate/functions/webhookworker"
	"keygate/shared/webhooks"
)

// DeliveryOptions configure StartDeliveries.
type DeliveryOptions struct {
	// SQSEndpoint is the SQS-compatible server (goaws, dev/sqslocal) and
	// Queues the template's queues created there
	// (sqslocal.CreateTemplateQueues), by logical ID: required.
	SQSEndpoint string
	Queues      map[string]sqslocal.Queue
	// Deliver tunes the worker's attempts: tests pass a clock that runs
	// the retry schedule faster, or shorter attempt timeouts.
	Deliver webhooks.DeliverConfig
	// PollInterval and RetryWait tune the stream poller (streams.Options).
	PollInterval, RetryWait time.Duration
}

// StartDeliveries builds the functions the template maps to the table's
// stream (WebhookDeliveryFunction, the fan-out; UsageAggregatorFunction,
// the usage history) and to its queues
// (WebhookWorkerFunction) with their Wire, and runs their event-source
// mappings as Lambda would: DynamoDB Local's stream polled with the
// mapping's filter, batch size, ReportBatchItemFailures and retries
// (dev/streams), and the queue on goaws received with the mapping's batch
// size, batching window, partial batch failures and maximum concurrency
// (dev/sqsmapping), the queue's visibility timeout and redrive being
// goaws's own. A function's environment names a queue as its URL on goaws,
// as CloudFormation's !Ref would on AWS. Deliveries may reach loopback
// addresses (the local stack only). stop ends the polling.
func StartDeliveries(ctx context.Context, opts Options, d DeliveryOptions) (stop func(), err error) {
	if d.SQSEndpoint == "" || d.Queues == nil {
		return nil, fmt.Errorf("inproc: StartDeliveries needs the SQS endpoint and the template's queues on it")
	}
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	if opts.FunctionLogger == nil {
		opts.FunctionLogger = slog.New(slog.DiscardHandler)
	}
	b := builder{ctx: ctx, opts: opts, flusher: &lateFlusher{}}
	var stops []func()
	stopAll := func() {
		// The stream first: nothing new is queued while the workers end.
		for _, s := range stops {
			s()
		}
	}
	fail := func(id string, err error) (func(), error) {
		stopAll()
		return nil, fmt.Errorf("%s: %w", id, err)
	}
	for _, m := range opts.Template.StreamMappings {
		env, err := b.queueEnv(m.FunctionID, d)
		if err != nil {
			return fail(m.FunctionID, err)
		}
		handle, err := b.streamHandler(m.FunctionID, env)
		if err != nil {
			return fail(m.FunctionID, err)
		}
		p, err := streams.Start(ctx, streams.Options{Endpoint: opts.Endpoint, Table: opts.Table, Region: opts.Region, Mapping: m,
			Handler:  withDeadline(deadline(opts.FunctionTimeout, opts.Template.Functions[m.FunctionID]), handle),
			Interval: d.PollInterval, RetryWait: d.RetryWait, Logger: opts.FunctionLogger.With("function", m.FunctionID)})
		if err != nil {
			return fail(m.FunctionID, err)
		}
		stops = append(stops, p.Stop)
	}
	client := sqslocal.NewClient(d.SQSEndpoint)
	for _, m := range opts.Template.SQSMappings {
		q, ok := d.Queues[m.QueueID]
		if !ok {
			return fail(m.FunctionID, fmt.Errorf("queue %s of mapping %s was not created", m.QueueID, m.ID))
		}
		env, err := b.queueEnv(m.FunctionID, d)
		if err != nil {
			return fail(m.FunctionID, err)
		}
		fn, err := webhookworker.Wire(ctx, b.deps(m.FunctionID, env), opts.API, d.Deliver)
		if err != nil {
			return fail(m.FunctionID, err)
		}
		p, err := sqsmapping.Start(ctx, sqsmapping.Options{Client: client, QueueURL: q.URL, Mapping: m, Handler: fn.Handle,
			FunctionTimeout: deadline(opts.FunctionTimeout, opts.Template.Functions[m.FunctionID]),
			Logger:          opts.FunctionLogger.With("function", m.FunctionID)})
		if err != nil {
			return fail(m.FunctionID, err)
		}
		stops = append(stops, p.Stop)
	}
	return stopAll, nil
}

// streamHandler wires the function a stream mapping invokes.
func (b builder) streamHandler(id string, env map[string]string) (func(context.Context, events.DynamoDBEvent) (events.DynamoDBEventResponse, error), error) {
	switch id {
	case "WebhookDeliveryFunction":
		fn, err := webhookdelivery.Wire(b.ctx, b.deps(id, env), b.opts.API)
		if err != nil {
			return nil, err
		}
		return fn.Handle, nil
	case "UsageAggregatorFunction":
		fn, err := usageaggregator.Wire(b.ctx, b.deps(id, env), b.opts.API)
		if err != nil {
			return nil, err
		}
		return fn.Handle, nil
	}
	return nil, fmt.Errorf("no local wiring for the stream function %s", id)
}

// queueEnv is function id's environment with each variable that names one
// of the template's queues (!Ref <Queue> resolves to its logical ID)
// set to its URL on goaws, and SQS_ENDPOINT to goaws.
func (b builder) queueEnv(id string, d DeliveryOptions) (map[string]string, error) {
	env, err := b.env(id)
	if err != nil {
		return nil, err
	}
	for k, v := range env {
		if q, ok := d.Queues[v]; ok {
			env[k] = q.URL
		}
	}
	env["SQS_ENDPOINT"] = d.SQSEndpoint
	return env, nil
}
