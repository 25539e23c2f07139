package inproc

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"keygate/dev/streams"
	"keygate/functions/webhookdelivery"
	"keygate/shared/webhooks"
)

// DeliveryOptions configure StartDeliveries.
type DeliveryOptions struct {
	// DeadLetters receives what the deliveries give up on (the local
	// stand-in for the SQS queue); required.
	DeadLetters webhooks.DeadLetters
	// Deliver tunes the Deliverer: tests pass a clock that skips the
	// waits, or shorter attempt timeouts.
	Deliver webhooks.DeliverConfig
	// PollInterval and RetryWait tune the stream poller (streams.Options).
	PollInterval, RetryWait time.Duration
}

// StartDeliveries builds each function the template maps to the table's
// stream (WebhookDeliveryFunction) with its Wire, and polls DynamoDB
// Local's stream for it, as Lambda's event-source mapping does: the
// mapping's filter, batch size, ReportBatchItemFailures and retries.
// Deliveries may reach loopback addresses (the local stack only). stop ends
// the polling.
func StartDeliveries(ctx context.Context, opts Options, d DeliveryOptions) (stop func(), err error) {
	if d.DeadLetters == nil {
		return nil, fmt.Errorf("inproc: StartDeliveries needs DeadLetters")
	}
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	if opts.FunctionLogger == nil {
		opts.FunctionLogger = slog.New(slog.DiscardHandler)
	}
	b := builder{ctx: ctx, opts: opts, flusher: &lateFlusher{}}
	var pollers []*streams.Poller
	stopAll := func() {
		for _, p := range pollers {
			p.Stop()
		}
	}
	for _, m := range opts.Template.StreamMappings {
		env, err := b.env(m.FunctionID)
		if err != nil {
			stopAll()
			return nil, fmt.Errorf("%s: %w", m.FunctionID, err)
		}
		fn, err := webhookdelivery.Wire(ctx, b.deps(m.FunctionID, env), opts.API, d.DeadLetters, d.Deliver)
		if err != nil {
			stopAll()
			return nil, fmt.Errorf("%s: %w", m.FunctionID, err)
		}
		p, err := streams.Start(ctx, streams.Options{Endpoint: opts.Endpoint, Table: opts.Table, Region: opts.Region, Mapping: m,
			Handler:  withDeadline(deadline(opts.FunctionTimeout, opts.Template.Functions[m.FunctionID]), fn.Handle),
			Interval: d.PollInterval, RetryWait: d.RetryWait, Logger: opts.FunctionLogger.With("function", m.FunctionID)})
		if err != nil {
			stopAll()
			return nil, fmt.Errorf("%s: %w", m.FunctionID, err)
		}
		pollers = append(pollers, p)
	}
	return stopAll, nil
}

// FileDeadLetters appends dead letters to a JSON-lines file (mode 0600):
// make run's stand-in for the SQS dead-letter queue.
type FileDeadLetters struct {
	Path string
	mu   sync.Mutex
}

// Send appends d as one line.
func (f *FileDeadLetters) Send(_ context.Context, d webhooks.DeadLetter) error {
	b, err := json.Marshal(d)
	if err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(f.Path), 0o700); err != nil {
		return err
	}
	file, err := os.OpenFile(f.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if _, err := file.Write(append(b, '\n')); err != nil {
		file.Close()
		return err
	}
	return file.Close()
}
