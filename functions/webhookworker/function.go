package webhookworker

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"keygate/shared/webhooks"
)

// Queue is what the function needs of the delivery queue.
type Queue interface {
	// Defer makes the message of receipt visible again after d.
	Defer(ctx context.Context, receipt string, d time.Duration) error
}

// Function handles the delivery queue's batches.
type Function struct {
	worker *webhooks.Worker
	queue  Queue
	logger *slog.Logger
}

// New returns the function on a Worker and the queue it reads.
func New(w *webhooks.Worker, q Queue, logger *slog.Logger) *Function {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Function{worker: w, queue: q, logger: logger}
}

// Logger is the function's logger.
func (f *Function) Logger() *slog.Logger { return f.logger }

// Handle attempts the batch's deliveries concurrently, one attempt each.
// A finished delivery's message is deleted by Lambda (it is not reported);
// one to try again is reported as a batch item failure after its
// visibility is set to the wait before its next attempt; one whose attempt
// could not be recorded (a store or queue failure) is reported as it is,
// and comes back after the queue's visibility timeout. A message that is
// not a task is reported too: the queue's redrive policy moves it to the
// dead-letter queue after its receives.
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
	out, err := f.worker.Attempt(ctx, t, received(rec))
	if err != nil {
		f.logger.Error("webhook attempt not recorded; the queue will hand it back", slog.String("deliveryId", t.DeliveryID),
			slog.String("webhookId", t.WebhookID), slog.String("userId", t.UserID), slog.String("error", err.Error()))
		return true
	}
	if !out.Retry {
		return false
	}
	if err := f.queue.Defer(ctx, rec.ReceiptHandle, out.RetryIn); err != nil {
		// The next attempt comes after the queue's visibility timeout
		// instead: sooner than planned, never lost.
		f.logger.Warn("webhook retry not scheduled", slog.String("deliveryId", t.DeliveryID), slog.String("error", err.Error()))
	}
	return true
}

// received is how many times SQS has handed the message over
// (ApproximateReceiveCount, 1 the first time; 1 when missing).
func received(rec events.SQSMessage) int {
	n, err := strconv.Atoi(rec.Attributes["ApproximateReceiveCount"])
	if err != nil || n < 1 {
		return 1
	}
	return n
}
