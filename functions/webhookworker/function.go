package webhookworker

import (
	"context"
	"log/slog"
	"sync"

	"github.com/aws/aws-lambda-go/events"

	"keygate/shared/webhooks"
)

// Function handles the delivery queue's batches.
type Function struct {
	worker *webhooks.Worker
	logger *slog.Logger
}

// New returns the function on a Worker.
func New(w *webhooks.Worker, logger *slog.Logger) *Function {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Function{worker: w, logger: logger}
}

// Logger is the function's logger.
func (f *Function) Logger() *slog.Logger { return f.logger }

// Handle attempts the batch's deliveries concurrently, one attempt each.
// A message whose attempt is done is deleted by Lambda (it is not
// reported): the delivery finished, or its next attempt was queued as a
// new, delayed message (webhooks.Worker). One whose attempt could not be
// recorded or queued (a store or queue failure) is reported, and comes
// back after the queue's visibility timeout. A message that is not a task
// is reported too: the queue's redrive policy moves it to the dead-letter
// queue after its receives.
// https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
func (f *Function) Handle(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
	keep := make([]bool, len(ev.Records))
	var wg sync.WaitGroup
	for i, rec := range ev.Records {
		wg.Add(1)
		go func() {
			defer wg.Done()
			keep[i] = f.handle(ctx, rec)
		}()
	}
	wg.Wait()
	var resp events.SQSEventResponse
	for i, k := range keep {
		if k {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: ev.Records[i].MessageId})
		}
	}
	return resp, nil
}

// handle makes one record's attempt and reports whether its message stays.
func (f *Function) handle(ctx context.Context, rec events.SQSMessage) bool {
	t, err := webhooks.DecodeTask(rec.Body)
	if err != nil {
		f.logger.Error("not a delivery task; the queue's redrive will dead-letter it", slog.String("messageId", rec.MessageId),
			slog.String("error", err.Error()))
		return true
	}
	if _, err := f.worker.Attempt(ctx, t); err != nil {
		f.logger.Error("webhook attempt not recorded; the queue will hand it back", slog.String("deliveryId", t.DeliveryID),
			slog.String("webhookId", t.WebhookID), slog.String("userId", t.UserID), slog.String("error", err.Error()))
		return true
	}
	return false
}
