package streams

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"keygate/dev/samtemplate"
	"keygate/shared/awsenv"
)

// Handler is a stream function's handler.
type Handler func(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error)

// Options configure Start.
type Options struct {
	// Endpoint is DynamoDB Local's; Table the table whose stream is read.
	Endpoint, Table, Region string
	// Mapping is the template's event-source mapping; Handler its function.
	Mapping samtemplate.StreamMapping
	Handler Handler
	// Interval is the wait between polls of a shard with nothing new
	// (default 100 ms).
	Interval time.Duration
	// RetryWait is the wait before a failed batch is retried (default 1 s).
	RetryWait time.Duration
	Logger    *slog.Logger
}

// Poller reads a table's stream and invokes a handler, until Stop.
type Poller struct {
	opts    Options
	filters []Filter
	streams *dynamodbstreams.Client
	arn     string
	cancel  context.CancelFunc
	done    chan struct{}
	started time.Time

	mu      sync.Mutex
	shards  map[string]bool // shards found
	pending []pendingShard  // found, not yet read
}

// Start finds the table's stream and reads every shard from its latest
// record on (StartingPosition LATEST), in the background.
func Start(ctx context.Context, opts Options) (*Poller, error) {
	if opts.Interval <= 0 {
		opts.Interval = 100 * time.Millisecond
	}
	if opts.RetryWait <= 0 {
		opts.RetryWait = time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	p := &Poller{opts: opts, shards: map[string]bool{}, done: make(chan struct{}), started: time.Now()}
	for _, pat := range opts.Mapping.Filters {
		f, err := ParseFilter(pat)
		if err != nil {
			return nil, err
		}
		p.filters = append(p.filters, f)
	}
	creds := awsenv.LocalCredentials()
	db := dynamodb.New(dynamodb.Options{Region: opts.Region, Credentials: creds, BaseEndpoint: aws.String(opts.Endpoint)})
	desc, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(opts.Table)})
	if err != nil {
		return nil, fmt.Errorf("streams: describe %s: %w", opts.Table, err)
	}
	p.arn = aws.ToString(desc.Table.LatestStreamArn)
	if p.arn == "" {
		return nil, fmt.Errorf("streams: table %s has no stream", opts.Table)
	}
	p.streams = dynamodbstreams.New(dynamodbstreams.Options{Region: opts.Region, Credentials: creds, BaseEndpoint: aws.String(opts.Endpoint)})
	// The shards open now start at their latest record; later ones at
	// their first (they only hold what was written after Start).
	if err := p.discover(ctx, types.ShardIteratorTypeLatest); err != nil {
		return nil, err
	}
	run, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	go p.watch(run)
	return p, nil
}

// Stop ends the polling and waits for the batch in flight.
func (p *Poller) Stop() {
	p.cancel()
	<-p.done
}

// watch looks for new shards every second until ctx ends.
func (p *Poller) watch(ctx context.Context) {
	defer close(p.done)
	var wg sync.WaitGroup
	defer wg.Wait()
	p.mu.Lock()
	p.startPending(ctx, &wg)
	p.mu.Unlock()
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := p.discover(ctx, types.ShardIteratorTypeTrimHorizon); err != nil && ctx.Err() == nil {
				p.opts.Logger.Warn("stream: describe failed", slog.String("error", err.Error()))
			}
			p.mu.Lock()
			p.startPending(ctx, &wg)
			p.mu.Unlock()
		}
	}
}

// pending are shards found and not yet read, with their iterators.
type pendingShard struct{ id, iterator string }

var errNoIterator = errors.New("streams: no shard iterator")

func (p *Poller) discover(ctx context.Context, start types.ShardIteratorType) error {
	out, err := p.streams.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(p.arn)})
	if err != nil {
		return err
	}
	for _, s := range out.StreamDescription.Shards {
		id := aws.ToString(s.ShardId)
		p.mu.Lock()
		known := p.shards[id]
		p.mu.Unlock()
		if known {
			continue
		}
		it, err := p.streams.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(p.arn), ShardId: s.ShardId, ShardIteratorType: start})
		if err != nil {
			return err
		}
		if it.ShardIterator == nil {
			return errNoIterator
		}
		p.mu.Lock()
		p.shards[id] = true
		p.pending = append(p.pending, pendingShard{id, *it.ShardIterator})
		p.mu.Unlock()
	}
	return nil
}

func (p *Poller) startPending(ctx context.Context, wg *sync.WaitGroup) {
	for _, s := range p.pending {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.read(ctx, s)
		}()
	}
	p.pending = nil
}

// read polls one shard until it closes or ctx ends. An iterator the stream
// no longer honours (expired, or past a trimmed record, which DynamoDB Local
// reports for a LATEST iterator on a shard that was empty) is replaced by
// one after the last record read, or from the shard's start, skipping then
// what was written before the poller started, as StartingPosition LATEST
// would.
func (p *Poller) read(ctx context.Context, s pendingShard) {
	it, lastSeq, fromStart := s.iterator, "", false
	for it != "" && ctx.Err() == nil {
		out, err := p.streams.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: aws.String(it), Limit: aws.Int32(int32(p.opts.Mapping.BatchSize))})
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			var trimmed *types.TrimmedDataAccessException
			var expired *types.ExpiredIteratorException
			if errors.As(err, &trimmed) || errors.As(err, &expired) {
				if fresh, ferr := p.iteratorAfter(ctx, s.id, lastSeq); ferr == nil {
					it, fromStart = fresh, lastSeq == ""
					continue
				}
			}
			p.opts.Logger.Warn("stream: GetRecords failed", slog.String("shard", s.id), slog.String("error", err.Error()))
			sleep(ctx, p.opts.RetryWait)
			continue
		}
		var batch []events.DynamoDBEventRecord
		for _, r := range out.Records {
			if r.Dynamodb != nil {
				lastSeq = aws.ToString(r.Dynamodb.SequenceNumber)
				// Read from the shard's start after a reset: what was
				// written well before the poller started is not for it
				// (the creation time is approximate, hence the minute).
				if c := r.Dynamodb.ApproximateCreationDateTime; fromStart && c != nil && c.Before(p.started.Add(-time.Minute)) {
					continue
				}
			}
			rec := record(r, p.arn, p.opts.Region)
			if p.matches(rec) {
				batch = append(batch, rec)
			}
		}
		if len(batch) > 0 {
			p.invoke(ctx, batch)
		}
		it = aws.ToString(out.NextShardIterator)
		if len(out.Records) == 0 {
			sleep(ctx, p.opts.Interval)
		}
	}
}

// iteratorAfter returns an iterator after seq, or from the shard's start
// when no record was read yet.
func (p *Poller) iteratorAfter(ctx context.Context, shard, seq string) (string, error) {
	in := &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(p.arn), ShardId: aws.String(shard), ShardIteratorType: types.ShardIteratorTypeTrimHorizon}
	if seq != "" {
		in.ShardIteratorType, in.SequenceNumber = types.ShardIteratorTypeAfterSequenceNumber, aws.String(seq)
	}
	out, err := p.streams.GetShardIterator(ctx, in)
	if err != nil {
		return "", err
	}
	if out.ShardIterator == nil {
		return "", errNoIterator
	}
	return *out.ShardIterator, nil
}

func (p *Poller) matches(r events.DynamoDBEventRecord) bool {
	if len(p.filters) == 0 {
		return true
	}
	form := filterForm(r)
	for _, f := range p.filters {
		if f.Match(form) {
			return true
		}
	}
	return false
}

// invoke hands the batch to the handler, and retries from the first
// failed record as Lambda does with ReportBatchItemFailures, up to the
// mapping's MaximumRetryAttempts; a batch still failing then is logged and
// dropped (on AWS its metadata goes to the on-failure destination).
func (p *Poller) invoke(ctx context.Context, batch []events.DynamoDBEventRecord) {
	for attempt := 0; ctx.Err() == nil; attempt++ {
		resp, err := p.opts.Handler(ctx, events.DynamoDBEvent{Records: batch})
		from := -1
		switch {
		case err != nil:
			from = 0
		case p.opts.Mapping.ReportBatchItemFailures && len(resp.BatchItemFailures) > 0:
			for i, r := range batch {
				if r.Change.SequenceNumber == resp.BatchItemFailures[0].ItemIdentifier {
					from = i
				}
			}
			if from < 0 {
				from = 0 // an identifier not in the batch: the whole batch, as Lambda does
			}
		}
		if from < 0 {
			return
		}
		if max := p.opts.Mapping.MaximumRetryAttempts; max >= 0 && attempt >= max {
			p.opts.Logger.Error("stream: batch dropped after its retries", slog.Int("records", len(batch)-from))
			return
		}
		batch = batch[from:]
		sleep(ctx, p.opts.RetryWait)
	}
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
