package webhookdelivery

import (
	"context"
	"log/slog"
	"sync"

	"github.com/aws/aws-lambda-go/events"

	"keygate/shared/store"
	"keygate/shared/webhooks"
)

// Function handles the stream's batches.
type Function struct {
	deliverer *webhooks.Deliverer
	logger    *slog.Logger
}

// New returns the function on a Deliverer.
func New(d *webhooks.Deliverer, logger *slog.Logger) *Function {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Function{deliverer: d, logger: logger}
}

// Logger is the function's logger.
func (f *Function) Logger() *slog.Logger { return f.logger }

// Handle delivers the batch's triggers concurrently. Records that are not
// triggers (the filter should keep them out) are skipped. The response
// names the first record whose deliveries did not finish (a store or queue
// failure, or the invocation's end): Lambda retries the batch from it, and
// deliveries already done are not repeated (the delivery log).
func (f *Function) Handle(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	failed := make([]bool, len(ev.Records))
	var wg sync.WaitGroup
	for i, rec := range ev.Records {
		if rec.EventName != string(events.DynamoDBOperationTypeInsert) || len(rec.Change.NewImage) == 0 {
			continue
		}
		t, ok := store.Trigger(store.FromStreamImage(rec.Change.NewImage))
		if !ok {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f.deliverer.Deliver(ctx, t); err != nil {
				f.logger.Error("webhook deliveries not finished; the stream will retry", slog.String("eventId", t.EventID),
					slog.String("userId", t.UserID), slog.String("error", err.Error()))
				failed[i] = true
			}
		}()
	}
	wg.Wait()
	var resp events.DynamoDBEventResponse
	for i, bad := range failed {
		if bad {
			resp.BatchItemFailures = []events.DynamoDBBatchItemFailure{{ItemIdentifier: ev.Records[i].Change.SequenceNumber}}
			break
		}
	}
	return resp, nil
}
