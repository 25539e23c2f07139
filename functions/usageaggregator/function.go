package usageaggregator

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"keygate/shared/store"
)

// Recorder is what the function needs of the table.
type Recorder interface {
	RecordUsage(ctx context.Context, changes []store.UsageChange, retention time.Duration, epoch time.Time) error
	UsageEpoch(ctx context.Context) (time.Time, error)
}

// Function handles the stream's batches.
type Function struct {
	store     Recorder
	retention time.Duration
	logger    *slog.Logger
	// epoch is the aggregator's first run (store.UsageEpoch), read by the
	// first batch that needs it.
	epoch time.Time
}

// New returns the function writing to st, keeping buckets for retention.
func New(st Recorder, retention time.Duration, logger *slog.Logger) *Function {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Function{store: st, retention: retention, logger: logger}
}

// retryFrom reports the batch failed from record seq on: Lambda delivers
// it again from there.
func retryFrom(seq string) events.DynamoDBEventResponse {
	return events.DynamoDBEventResponse{BatchItemFailures: []events.DynamoDBBatchItemFailure{{ItemIdentifier: seq}}}
}

// Logger is the function's logger.
func (f *Function) Logger() *slog.Logger { return f.logger }

// Handle records the uses of the batch's key and lane items (inserted and
// modified; the mapping's filter keeps other items out, and this skips any
// that pass). An item that could not be written reports the batch failed
// from its earliest record, which Lambda delivers again: records applied
// already are skipped by their sequence numbers, so each use counts once,
// and the other items' are written meanwhile.
func (f *Function) Handle(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	changes := make([]store.UsageChange, 0, len(ev.Records))
	for _, rec := range ev.Records {
		insert := rec.EventName == string(events.DynamoDBOperationTypeInsert)
		if !insert && rec.EventName != string(events.DynamoDBOperationTypeModify) || len(rec.Change.NewImage) == 0 {
			continue
		}
		c, ok := store.UsageChangeOf(store.FromStreamImage(rec.Change.NewImage), rec.EventSourceArn, rec.Change.SequenceNumber, insert, rec.Change.ApproximateCreationDateTime.Time)
		if ok {
			changes = append(changes, c)
		}
	}
	if len(changes) == 0 {
		return events.DynamoDBEventResponse{}, nil
	}
	if f.epoch.IsZero() {
		epoch, err := f.store.UsageEpoch(ctx)
		if err != nil {
			f.logger.Error("usage not recorded; the stream will retry", slog.String("error", err.Error()))
			return retryFrom(ev.Records[0].Change.SequenceNumber), nil
		}
		f.epoch = epoch
	}
	if err := f.store.RecordUsage(ctx, changes, f.retention, f.epoch); err != nil {
		from := ev.Records[0].Change.SequenceNumber
		var failed *store.UsageFailure
		if errors.As(err, &failed) {
			from = failed.Record // the sources before it, and the others, are written
		}
		f.logger.Error("usage not recorded; the stream will retry", slog.Int("changes", len(changes)), slog.String("error", err.Error()))
		return retryFrom(from), nil
	}
	f.logger.Debug("usage recorded", slog.Int("changes", len(changes)))
	return events.DynamoDBEventResponse{}, nil
}
