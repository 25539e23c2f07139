package sqsmapping

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"keygate/dev/samtemplate"
)

// Handler is an SQS function's handler.
type Handler func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error)

// DefaultConcurrency is the invocations in flight when the mapping sets no
// ScalingConfig.MaximumConcurrency: the five concurrent batches Lambda
// starts a standard queue with ("When messages are available, Lambda starts
// processing five batches at a time with five concurrent invocations of
// your function", https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html).
// Lambda scales beyond it under load; the local stack does not.
const DefaultConcurrency = 5

// Options configure Start.
type Options struct {
	// Client reaches the SQS server (sqslocal.NewClient); QueueURL is the
	// mapping's queue.
	Client   *sqs.Client
	QueueURL string
	// Mapping is the template's event-source mapping; Handler its function.
	Mapping samtemplate.SQSMapping
	Handler Handler
	// FunctionTimeout bounds each invocation as the function's Timeout
	// does on Lambda: an invocation still running then fails as a whole
	// (0: no bound).
	FunctionTimeout time.Duration
	// WaitTimeSeconds is each long poll's wait (default 20, SQS's longest,
	// as Lambda's pollers use; Stop ends a poll at once).
	WaitTimeSeconds int32
	Logger          *slog.Logger
}

// Poller receives a queue's messages and invokes a handler, until Stop.
type Poller struct {
	opts     Options
	arn      string
	region   string
	slots    chan struct{} // one per invocation allowed in flight
	cancel   context.CancelFunc
	done     chan struct{}
	inflight sync.WaitGroup
	// receipts counts each message's receipts by this poller, for the
	// records' ApproximateReceiveCount (receipts.go).
	receipts receipts
}

// QueueARN is the queue's ARN: the records' eventSourceARN.
func (p *Poller) QueueARN() string { return p.arn }

// Start reads the queue's ARN and polls it in the background. A mapping
// with Enabled: false is refused: there is nothing to run.
func Start(ctx context.Context, opts Options) (*Poller, error) {
	if opts.Client == nil || opts.QueueURL == "" || opts.Handler == nil {
		return nil, errors.New("sqsmapping: Client, QueueURL and Handler are required")
	}
	if !opts.Mapping.Enabled {
		return nil, fmt.Errorf("sqsmapping: mapping %s is disabled (Enabled: false)", opts.Mapping.ID)
	}
	// BatchSize defaults to 10 (Lambda parameters for Amazon SQS event
	// source mappings, https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html).
	if opts.Mapping.BatchSize <= 0 {
		opts.Mapping.BatchSize = 10
	}
	if opts.WaitTimeSeconds <= 0 || opts.WaitTimeSeconds > 20 {
		opts.WaitTimeSeconds = 20
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	concurrency := opts.Mapping.MaximumConcurrency
	if concurrency <= 0 {
		concurrency = DefaultConcurrency
	}
	out, err := opts.Client.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(opts.QueueURL),
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameQueueArn}})
	if err != nil {
		return nil, fmt.Errorf("sqsmapping: queue %s: %w", opts.QueueURL, err)
	}
	arn := out.Attributes[string(types.QueueAttributeNameQueueArn)]
	p := &Poller{opts: opts, arn: arn, region: regionOf(arn), slots: make(chan struct{}, concurrency), done: make(chan struct{})}
	run, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	go p.poll(run)
	return p, nil
}

// Stop ends the polling (a long poll in progress is abandoned), cancels the
// context of the invocations in flight and waits for them and their
// deletes. A message an invocation did not finish comes back after its
// visibility timeout, as when a Lambda instance dies.
func (p *Poller) Stop() {
	p.cancel()
	<-p.done
}

// poll takes a slot for an invocation, gathers a batch and hands it to an
// invocation of its own, until ctx ends. With every slot taken it receives
// nothing: messages stay visible in the queue instead of waiting in
// memory, hidden, until a slot frees. Maximum concurrency "limits the
// number of concurrent instances of the function that an Amazon SQS event
// source can invoke"
// (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html#events-sqs-max-concurrency,
// ScalingConfig in https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-lambda-eventsourcemapping-scalingconfig.html).
func (p *Poller) poll(ctx context.Context) {
	defer close(p.done)
	defer p.inflight.Wait()
	for {
		select {
		case p.slots <- struct{}{}:
		case <-ctx.Done():
			return
		}
		batch, err := p.gather(ctx)
		if err != nil && ctx.Err() == nil {
			p.opts.Logger.Warn("sqs mapping: ReceiveMessage failed", slog.String("mapping", p.opts.Mapping.ID), slog.String("error", err.Error()))
			sleep(ctx, time.Second)
		}
		if len(batch) == 0 {
			<-p.slots
			if ctx.Err() != nil {
				return
			}
			continue
		}
		p.inflight.Add(1)
		go func() {
			defer p.inflight.Done()
			defer func() { <-p.slots }()
			p.invoke(ctx, batch)
		}()
	}
}

// gather long-polls for the first messages of a batch, then, with a
// batching window, keeps receiving until the batch holds BatchSize messages
// or the window ends: "Lambda reads messages ... until one of these
// conditions is met: the batching window reaches its maximum value, the
// batch size is met, or the payload reaches 6 MB"
// (MaximumBatchingWindowInSeconds, default 0, in
// https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html and
// https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html#invocation-eventsourcemapping-batching).
// Lambda polls with long polling (services-sqs-scaling.html) and receives
// with the queue's own visibility timeout; the 6 MB bound is not emulated.
func (p *Poller) gather(ctx context.Context) ([]types.Message, error) {
	var batch []types.Message
	window := time.Duration(p.opts.Mapping.MaximumBatchingWindowInSeconds) * time.Second
	var deadline time.Time
	for len(batch) < p.opts.Mapping.BatchSize {
		// The first receive long-polls; within the window the next ones
		// do not wait, so the batch is handed over when the window ends
		// and not a long poll later.
		wait := p.opts.WaitTimeSeconds
		if len(batch) > 0 {
			if window <= 0 || !time.Now().Before(deadline) {
				break
			}
			wait = 0
		}
		out, err := p.opts.Client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
			QueueUrl:            aws.String(p.opts.QueueURL),
			MaxNumberOfMessages: int32(min(10, p.opts.Mapping.BatchSize-len(batch))),
			WaitTimeSeconds:     wait,
			MessageSystemAttributeNames: []types.MessageSystemAttributeName{
				types.MessageSystemAttributeNameAll,
			},
			MessageAttributeNames: []string{"All"},
		}, noRetry)
		if err != nil {
			return batch, err
		}
		p.opts.Logger.Debug("sqs mapping: received", slog.String("mapping", p.opts.Mapping.ID), slog.Int("messages", len(out.Messages)))
		if len(batch) == 0 {
			if len(out.Messages) == 0 {
				return nil, nil // an empty long poll: the caller polls again
			}
			deadline = time.Now().Add(window)
		}
		batch = append(batch, out.Messages...)
		if len(out.Messages) == 0 && len(batch) > 0 {
			sleep(ctx, min(windowPoll, time.Until(deadline)))
		}
	}
	return batch, nil
}

// windowPoll is the pause between two receives that found nothing while a
// batching window is open.
const windowPoll = 50 * time.Millisecond

// noRetry turns the SDK's retries off for ReceiveMessage: a receive whose
// answer was lost has hidden its messages all the same, and a silent
// second attempt would hand over only what is left (the lost ones come back
// after their visibility timeout, as the error log says).
func noRetry(o *sqs.Options) { o.RetryMaxAttempts = 1 }

// invoke runs the handler on the batch and deletes what succeeded.
func (p *Poller) invoke(ctx context.Context, batch []types.Message) {
	ev := events.SQSEvent{Records: make([]events.SQSMessage, len(batch))}
	for i, m := range batch {
		ev.Records[i] = record(m, p.arn, p.region)
		p.receipts.count(&ev.Records[i])
	}
	fctx, cancel := ctx, context.CancelFunc(func() {})
	if p.opts.FunctionTimeout > 0 {
		fctx, cancel = context.WithTimeout(ctx, p.opts.FunctionTimeout)
	}
	resp, err := p.opts.Handler(fctx, ev)
	timedOut := fctx.Err() != nil && errors.Is(fctx.Err(), context.DeadlineExceeded)
	cancel()
	if err == nil && timedOut {
		err = fmt.Errorf("function timed out after %s", p.opts.FunctionTimeout)
	}
	keep := p.failed(ev, resp, err)
	var done []types.Message
	for _, m := range batch {
		if !keep[aws.ToString(m.MessageId)] {
			done = append(done, m)
			p.receipts.forget(aws.ToString(m.MessageId))
		}
	}
	if len(keep) > 0 {
		p.opts.Logger.Info("sqs mapping: messages left for a retry after their visibility timeout",
			slog.String("mapping", p.opts.Mapping.ID), slog.Int("failed", len(keep)), slog.Int("batch", len(batch)))
	}
	// The deletes finish even when Stop ended the polling: the invocation
	// returned, as Lambda's would have.
	dctx, dcancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer dcancel()
	if err := p.delete(dctx, done); err != nil {
		p.opts.Logger.Warn("sqs mapping: DeleteMessageBatch failed", slog.String("mapping", p.opts.Mapping.ID), slog.String("error", err.Error()))
	}
}

// failed returns the ids of the records the invocation did not succeed
// with, by the rules of "Handling errors for an SQS event source in Lambda"
// (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html):
//
//   - The function returns an error (or times out): "all messages in that
//     batch become visible in the queue again" after the visibility
//     timeout (#services-sqs-backoff-strategy, and "By default, if Lambda
//     encounters an error at any point while processing a batch, all
//     messages in that batch return to the queue", services-sqs-configure.html).
//   - Without FunctionResponseTypes [ReportBatchItemFailures] a response's
//     batchItemFailures are ignored: Lambda processes them only when the
//     feature is turned on for the mapping (#services-sqs-batchfailurereporting).
//   - With it, an empty or null batchItemFailures list is a complete
//     success, and only the listed messages return to the queue; an empty
//     itemIdentifier, or one naming no message of the batch, makes the
//     whole batch a failure (success and failure conditions,
//     #services-sqs-batchfailurereporting).
func (p *Poller) failed(ev events.SQSEvent, resp events.SQSEventResponse, err error) map[string]bool {
	all := func() map[string]bool {
		out := make(map[string]bool, len(ev.Records))
		for _, r := range ev.Records {
			out[r.MessageId] = true
		}
		return out
	}
	if err != nil {
		p.opts.Logger.Warn("sqs mapping: invocation failed", slog.String("mapping", p.opts.Mapping.ID), slog.String("error", err.Error()))
		return all()
	}
	if !p.opts.Mapping.ReportBatchItemFailures || len(resp.BatchItemFailures) == 0 {
		return nil
	}
	ids := all()
	out := map[string]bool{}
	for _, f := range resp.BatchItemFailures {
		if !ids[f.ItemIdentifier] {
			p.opts.Logger.Warn("sqs mapping: batchItemFailures names no message of the batch: the whole batch failed",
				slog.String("mapping", p.opts.Mapping.ID), slog.String("itemIdentifier", f.ItemIdentifier))
			return ids
		}
		out[f.ItemIdentifier] = true
	}
	return out
}

// delete removes the messages with DeleteMessageBatch, ten at a time (SQS's
// most per call).
func (p *Poller) delete(ctx context.Context, msgs []types.Message) error {
	var errs []error
	for start := 0; start < len(msgs); start += 10 {
		chunk := msgs[start:min(start+10, len(msgs))]
		in := &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(p.opts.QueueURL)}
		for i, m := range chunk {
			in.Entries = append(in.Entries, types.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: m.ReceiptHandle})
		}
		out, err := p.opts.Client.DeleteMessageBatch(ctx, in)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, f := range out.Failed {
			errs = append(errs, fmt.Errorf("message %s: %s %s", aws.ToString(f.Id), aws.ToString(f.Code), aws.ToString(f.Message)))
		}
	}
	return errors.Join(errs...)
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
