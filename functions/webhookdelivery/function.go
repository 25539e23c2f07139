package webhookdelivery

import (
	"context"
	"log/slog"

	"github.com/aws/aws-lambda-go/events"

	"keygate/shared/store"
	"keygate/shared/webhooks"
)

// Queue is what the fan-out needs of the delivery queue.
type Queue interface {
	// SendTasks enqueues one message per task.
	SendTasks(ctx context.Context, tasks []webhooks.Task) error
}

// Function handles the stream's batches.
type Function struct {
	store  webhooks.Store
	queue  Queue
	logger *slog.Logger
}

// New returns the function reading endpoints from st and enqueueing to q.
func New(st webhooks.Store, q Queue, logger *slog.Logger) *Function {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Function{store: st, queue: q, logger: logger}
}

// Logger is the function's logger.
func (f *Function) Logger() *slog.Logger { return f.logger }

// Handle turns each trigger of the batch into one queued task per endpoint
// that wants it (webhooks.Tasks), in order: a read of the user's endpoints
// and one SendMessageBatch per ten, no HTTP to any receiver, so no
// receiver can hold the stream. Records that are not triggers (the filter
// keeps them out) are skipped. The first record whose tasks could not be
// queued (a store or queue failure) is reported: Lambda retries the batch
// from it, and a task queued twice is attempted once past its first success
// (the delivery log).
func (f *Function) Handle(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	for _, rec := range ev.Records {
		if rec.EventName != string(events.DynamoDBOperationTypeInsert) || len(rec.Change.NewImage) == 0 {
			continue
		}
		t, ok := store.Trigger(store.FromStreamImage(rec.Change.NewImage))
		if !ok {
			continue
		}
		if err := f.fanOut(ctx, t); err != nil {
			f.logger.Error("webhook deliveries not queued; the stream will retry", slog.String("eventId", t.EventID),
				slog.String("userId", t.UserID), slog.String("error", err.Error()))
			return events.DynamoDBEventResponse{BatchItemFailures: []events.DynamoDBBatchItemFailure{
				{ItemIdentifier: rec.Change.SequenceNumber}}}, nil
		}
	}
	return events.DynamoDBEventResponse{}, nil
}

// fanOut queues t's tasks.
func (f *Function) fanOut(ctx context.Context, t webhooks.Trigger) error {
	tasks, err := webhooks.Tasks(ctx, f.store, t)
	if err != nil || len(tasks) == 0 {
		return err
	}
	if err := f.queue.SendTasks(ctx, tasks); err != nil {
		return err
	}
	f.logger.Debug("webhook deliveries queued", slog.String("eventId", t.EventID), slog.String("userId", t.UserID),
		slog.Int("deliveries", len(tasks)))
	return nil
}
