package sqsmapping

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"keygate/dev/samtemplate"
	"keygate/dev/sqslocal"
	"keygate/dev/testkit/testlog"
	"keygate/dev/testkit/wait"
)

func TestMain(m *testing.M) { sqslocal.Main(m) }

func sendAll(tb testing.TB, q sqslocal.TestQueue, bodies ...string) {
	tb.Helper()
	for _, b := range bodies {
		if _, err := q.Client.SendMessage(tb.Context(), &sqs.SendMessageInput{QueueUrl: aws.String(q.URL), MessageBody: aws.String(b),
			MessageAttributes: map[string]types.MessageAttributeValue{"delivery": {DataType: aws.String("String"), StringValue: aws.String("d-" + b)}}}); err != nil {
			tb.Fatalf("SendMessage %q: %v", b, err)
		}
	}
}

// start runs the mapping on q until the test ends.
func start(tb testing.TB, q sqslocal.TestQueue, m samtemplate.SQSMapping, h Handler) (*Poller, *testlog.Buffer) {
	tb.Helper()
	m.Enabled = true
	// A short long poll: Stop abandons it anyway, and goaws answers an
	// abandoned one late.
	logger, logs := testlog.New()
	p, err := Start(tb.Context(), Options{Client: q.Client, QueueURL: q.URL, Mapping: m, Handler: h, WaitTimeSeconds: 1, Logger: logger})
	if err != nil {
		tb.Fatalf("Start: %v", err)
	}
	tb.Cleanup(func() {
		p.Stop()
		if tb.Failed() {
			tb.Logf("the mapping's log:\n%s", logs)
		}
	})
	return p, logs
}

// lostReceive reports whether the answer to one of the mapping's
// ReceiveMessage calls was lost (the sqslocal package doc): its messages then come
// back only after their visibility timeout, so how batches and slots were
// filled is no longer what the test arranged.
func lostReceive(tb testing.TB, logs *testlog.Buffer) bool {
	tb.Helper()
	if strings.Contains(logs.String(), "ReceiveMessage failed") {
		tb.Logf("goaws lost a ReceiveMessage answer; the exact batch and slot checks are skipped:\n%s", logs)
		return true
	}
	return false
}

// counts returns the queue's ApproximateNumberOfMessages and
// ApproximateNumberOfMessagesNotVisible as "all/in flight": goaws counts the
// messages in flight in the first too (the sqslocal package doc).
func counts(tb testing.TB, q sqslocal.TestQueue) string {
	tb.Helper()
	out, err := q.Client.GetQueueAttributes(tb.Context(), &sqs.GetQueueAttributesInput{QueueUrl: aws.String(q.URL),
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameApproximateNumberOfMessages, types.QueueAttributeNameApproximateNumberOfMessagesNotVisible}})
	if err != nil {
		tb.Fatalf("GetQueueAttributes: %v", err)
	}
	return out.Attributes["ApproximateNumberOfMessages"] + "/" + out.Attributes["ApproximateNumberOfMessagesNotVisible"]
}

// TestEvent: the handler gets each message as Lambda's SQS record.
func TestEvent(t *testing.T) {
	q := sqslocal.NewTestQueue(t, sqslocal.QueueOptions{VisibilityTimeout: 1})
	sendAll(t, q, `{"id":"d1"}`)
	got := make(chan events.SQSMessage, 1)
	p, _ := start(t, q, samtemplate.SQSMapping{}, func(_ context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
		for _, r := range ev.Records {
			select {
			case got <- r:
			default:
			}
		}
		return events.SQSEventResponse{}, nil
	})
	var r events.SQSMessage
	select {
	case r = <-got:
	case <-time.After(20 * time.Second):
		t.Fatal("no invocation within 20 s")
	}
	sum := md5.Sum([]byte(`{"id":"d1"}`))
	checks := []struct {
		name      string
		got, want string
	}{
		{"body", r.Body, `{"id":"d1"}`},
		{"md5OfBody", r.Md5OfBody, hex.EncodeToString(sum[:])},
		{"eventSource", r.EventSource, "aws:sqs"},
		{"eventSourceARN", r.EventSourceARN, q.ARN},
		{"QueueARN", p.QueueARN(), q.ARN},
		{"awsRegion", r.AWSRegion, sqslocal.Region},
		{"messageAttributes.delivery", aws.ToString(r.MessageAttributes["delivery"].StringValue), `d-{"id":"d1"}`},
		{"messageAttributes.delivery dataType", r.MessageAttributes["delivery"].DataType, "String"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}
	for name, v := range map[string]string{"messageId": r.MessageId, "receiptHandle": r.ReceiptHandle,
		"attributes.ApproximateReceiveCount": r.Attributes["ApproximateReceiveCount"], "attributes.SentTimestamp": r.Attributes["SentTimestamp"], "attributes.SenderId": r.Attributes["SenderId"],
		"attributes.ApproximateFirstReceiveTimestamp": r.Attributes["ApproximateFirstReceiveTimestamp"]} {
		if v == "" {
			t.Errorf("%s: empty", name)
		}
	}
}

// TestOutcomes: what an invocation's result deletes, and what comes back
// after the visibility timeout.
func TestOutcomes(t *testing.T) {
	errBoom := errors.New("boom")
	tests := []struct {
		name   string
		report bool // ReportBatchItemFailures
		// first answers the first invocation; every later one succeeds.
		first func(ev events.SQSEvent) (events.SQSEventResponse, error)
		// wantDeliveries is how often each body reaches the handler.
		wantDeliveries map[string]int
	}{
		{"success: every message deleted", true,
			func(events.SQSEvent) (events.SQSEventResponse, error) { return events.SQSEventResponse{}, nil },
			map[string]int{"a": 1, "b": 1, "c": 1}},
		{"reported failures: only they come back", true,
			func(ev events.SQSEvent) (events.SQSEventResponse, error) { return failing(ev, "b"), nil },
			map[string]int{"a": 1, "b": 2, "c": 1}},
		{"handler error: every message comes back", true,
			func(events.SQSEvent) (events.SQSEventResponse, error) { return events.SQSEventResponse{}, errBoom },
			map[string]int{"a": 2, "b": 2, "c": 2}},
		{"reported failures ignored without ReportBatchItemFailures", false,
			func(ev events.SQSEvent) (events.SQSEventResponse, error) { return failing(ev, "b"), nil },
			map[string]int{"a": 1, "b": 1, "c": 1}},
		{"an identifier of no message: every message comes back", true,
			func(events.SQSEvent) (events.SQSEventResponse, error) {
				return events.SQSEventResponse{BatchItemFailures: []events.SQSBatchItemFailure{{ItemIdentifier: "not-in-the-batch"}}}, nil
			},
			map[string]int{"a": 2, "b": 2, "c": 2}},
		{"an empty identifier: every message comes back", true,
			func(events.SQSEvent) (events.SQSEventResponse, error) {
				return events.SQSEventResponse{BatchItemFailures: []events.SQSBatchItemFailure{{ItemIdentifier: ""}}}, nil
			},
			map[string]int{"a": 2, "b": 2, "c": 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q := sqslocal.NewTestQueue(t, sqslocal.QueueOptions{VisibilityTimeout: 1, MaxReceiveCount: -1})
			sendAll(t, q, "a", "b", "c")
			var mu sync.Mutex
			got := map[string]int{}
			invocations := 0
			_, _ = start(t, q, samtemplate.SQSMapping{BatchSize: 10, ReportBatchItemFailures: tt.report},
				func(_ context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
					mu.Lock()
					defer mu.Unlock()
					invocations++
					for _, r := range ev.Records {
						got[r.Body]++
					}
					if invocations == 1 {
						return tt.first(ev)
					}
					return events.SQSEventResponse{}, nil
				})
			// Done when every delivery wanted has happened and the queue
			// holds no message at all: deleted, not hidden.
			wait.Eventually(t, 20*time.Second, func() (bool, string) {
				mu.Lock()
				seen := maps.Clone(got)
				mu.Unlock()
				c := counts(t, q)
				return maps.Equal(seen, tt.wantDeliveries) && c == "0/0",
					fmt.Sprintf("deliveries %v (want %v), queue messages/in flight %s (want 0/0)", seen, tt.wantDeliveries, c)
			})
		})
	}
}

// failing reports the records with the given bodies failed.
func failing(ev events.SQSEvent, bodies ...string) events.SQSEventResponse {
	var resp events.SQSEventResponse
	for _, r := range ev.Records {
		if slices.Contains(bodies, r.Body) {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: r.MessageId})
		}
	}
	return resp
}

// TestMaximumConcurrency: with every allowed invocation running, the
// mapping receives nothing more.
func TestMaximumConcurrency(t *testing.T) {
	tests := []struct {
		name        string
		concurrency int
		messages    int
	}{
		{"two", 2, 5},
		{"three", 3, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q := sqslocal.NewTestQueue(t, sqslocal.QueueOptions{VisibilityTimeout: 2, MaxReceiveCount: -1})
			for i := range tt.messages {
				sendAll(t, q, fmt.Sprint(i))
			}
			release := make(chan struct{})
			var mu sync.Mutex
			inflight, most, handled := 0, 0, 0
			_, logs := start(t, q, samtemplate.SQSMapping{BatchSize: 1, MaximumConcurrency: tt.concurrency},
				func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
					mu.Lock()
					inflight++
					most = max(most, inflight)
					mu.Unlock()
					select {
					case <-release:
					case <-ctx.Done():
					}
					mu.Lock()
					inflight--
					handled += len(ev.Records)
					mu.Unlock()
					return events.SQSEventResponse{}, nil
				})
			wait.Eventually(t, 20*time.Second, func() (bool, string) {
				mu.Lock()
				defer mu.Unlock()
				return inflight == tt.concurrency, fmt.Sprintf("%d invocations in flight, want %d", inflight, tt.concurrency)
			})
			// Every slot is taken: the rest stay visible in the queue, and
			// only the messages of the running invocations are in flight.
			if got, want := counts(t, q), fmt.Sprintf("%d/%d", tt.messages, tt.concurrency); got != want && !lostReceive(t, logs) {
				t.Errorf("queue messages/in flight with every slot taken: got %s, want %s", got, want)
			}
			close(release)
			wait.Eventually(t, 20*time.Second, func() (bool, string) {
				mu.Lock()
				defer mu.Unlock()
				return handled == tt.messages, fmt.Sprintf("%d of %d messages handled", handled, tt.messages)
			})
			mu.Lock()
			defer mu.Unlock()
			if most != tt.concurrency {
				t.Errorf("most invocations in flight: got %d, want %d", most, tt.concurrency)
			}
		})
	}
}

// TestBatchSize: no invocation gets more than BatchSize records, and a
// batching window gathers more than one ReceiveMessage's ten.
func TestBatchSize(t *testing.T) {
	tests := []struct {
		name      string
		batchSize int
		window    int
		messages  int
		wantMost  int // the largest batch
	}{
		{"one", 1, 0, 3, 1},
		{"three", 3, 0, 7, 3},
		{"ten in one receive", 10, 0, 12, 10},
		{"twenty over a one-second window", 20, 1, 15, 15},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// Visibility well beyond the window, as Lambda asks of a queue
			// (at least the function's timeout).
			q := sqslocal.NewTestQueue(t, sqslocal.QueueOptions{VisibilityTimeout: 5, MaxReceiveCount: -1})
			for i := range tt.messages {
				sendAll(t, q, fmt.Sprint(i))
			}
			var mu sync.Mutex
			var sizes []int
			total := 0
			_, logs := start(t, q, samtemplate.SQSMapping{BatchSize: tt.batchSize, MaximumBatchingWindowInSeconds: tt.window, MaximumConcurrency: 2},
				func(_ context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
					mu.Lock()
					defer mu.Unlock()
					sizes = append(sizes, len(ev.Records))
					total += len(ev.Records)
					return events.SQSEventResponse{}, nil
				})
			wait.Eventually(t, 20*time.Second, func() (bool, string) {
				mu.Lock()
				defer mu.Unlock()
				return total == tt.messages, fmt.Sprintf("batches %v, want %d messages", sizes, tt.messages)
			})
			mu.Lock()
			defer mu.Unlock()
			for _, n := range sizes {
				if n > tt.batchSize {
					t.Errorf("a batch of %d (batches %v), want at most %d", n, sizes, tt.batchSize)
				}
			}
			if most := slices.Max(sizes); most != tt.wantMost && !lostReceive(t, logs) {
				t.Errorf("largest batch: got %d (batches %v), want %d", most, sizes, tt.wantMost)
			}
		})
	}
}

func TestStartRefuses(t *testing.T) {
	q := sqslocal.NewTestQueue(t, sqslocal.QueueOptions{MaxReceiveCount: -1})
	h := func(context.Context, events.SQSEvent) (events.SQSEventResponse, error) {
		return events.SQSEventResponse{}, nil
	}
	tests := []struct {
		name string
		opts Options
	}{
		{"a disabled mapping", Options{Client: q.Client, QueueURL: q.URL, Handler: h, Mapping: samtemplate.SQSMapping{ID: "M"}}},
		{"no handler", Options{Client: q.Client, QueueURL: q.URL, Mapping: samtemplate.SQSMapping{Enabled: true}}},
		{"a queue that does not exist", Options{Client: q.Client, QueueURL: q.URL + "-missing", Handler: h, Mapping: samtemplate.SQSMapping{Enabled: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Start(t.Context(), tt.opts)
			if err == nil {
				p.Stop()
				t.Errorf("Start: got nil error, want a refusal")
			}
		})
	}
}

// TestFunctionTimeout: an invocation that outlives FunctionTimeout fails as
// a whole, even when its handler then returns success, and its messages
// come back.
func TestFunctionTimeout(t *testing.T) {
	q := sqslocal.NewTestQueue(t, sqslocal.QueueOptions{VisibilityTimeout: 1, MaxReceiveCount: -1})
	sendAll(t, q, "slow")
	var mu sync.Mutex
	invocations := 0
	p, err := Start(t.Context(), Options{Client: q.Client, QueueURL: q.URL, WaitTimeSeconds: 1, FunctionTimeout: 100 * time.Millisecond,
		Mapping: samtemplate.SQSMapping{Enabled: true, ReportBatchItemFailures: true},
		Handler: func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
			mu.Lock()
			invocations++
			first := invocations == 1
			mu.Unlock()
			if first {
				<-ctx.Done() // past the function's timeout
			}
			return events.SQSEventResponse{}, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Stop)
	wait.Eventually(t, 20*time.Second, func() (bool, string) {
		mu.Lock()
		n := invocations
		mu.Unlock()
		c := counts(t, q)
		return n == 2 && c == "0/0", fmt.Sprintf("%d invocations (want 2: the timed-out one and its retry), queue messages/in flight %s (want 0/0)", n, c)
	})
}

// TestStop: Stop cancels the invocations in flight and waits for them;
// after it nothing is received, and what was not finished comes back.
func TestStop(t *testing.T) {
	q := sqslocal.NewTestQueue(t, sqslocal.QueueOptions{VisibilityTimeout: 1, MaxReceiveCount: -1})
	sendAll(t, q, "interrupted")
	started := make(chan struct{})
	var mu sync.Mutex
	invocations, canceled := 0, false
	p, err := Start(t.Context(), Options{Client: q.Client, QueueURL: q.URL, WaitTimeSeconds: 1,
		Mapping: samtemplate.SQSMapping{Enabled: true},
		Handler: func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
			mu.Lock()
			invocations++
			mu.Unlock()
			close(started)
			<-ctx.Done()
			mu.Lock()
			canceled = true
			mu.Unlock()
			return events.SQSEventResponse{}, ctx.Err()
		}})
	if err != nil {
		t.Fatal(err)
	}
	<-started
	p.Stop()
	mu.Lock()
	if !canceled || invocations != 1 {
		t.Errorf("after Stop: canceled %v, invocations %d; want true, 1", canceled, invocations)
	}
	mu.Unlock()
	// The message was not deleted: it is received again once visible.
	wait.Eventually(t, 10*time.Second, func() (bool, string) {
		out, err := q.Client.ReceiveMessage(t.Context(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(q.URL)})
		if err != nil {
			t.Fatal(err)
		}
		return len(out.Messages) == 1, fmt.Sprintf("received %d messages, want the interrupted one back", len(out.Messages))
	})
	mu.Lock()
	defer mu.Unlock()
	if invocations != 1 {
		t.Errorf("invocations after Stop: got %d, want 1", invocations)
	}
}

// TestReceiveCount: a message reported as failed comes back with its
// ApproximateReceiveCount one higher each time, as SQS counts receipts
// (goaws itself always says 1); a fresh message starts at 1.
func TestReceiveCount(t *testing.T) {
	q := sqslocal.NewTestQueue(t, sqslocal.QueueOptions{VisibilityTimeout: 1, MaxReceiveCount: -1})
	sendAll(t, q, "again")
	var mu sync.Mutex
	var counts []string
	_, _ = start(t, q, samtemplate.SQSMapping{BatchSize: 10, ReportBatchItemFailures: true},
		func(_ context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
			mu.Lock()
			defer mu.Unlock()
			for _, r := range ev.Records {
				counts = append(counts, r.Attributes["ApproximateReceiveCount"])
			}
			if len(counts) < 3 {
				return failing(ev, "again"), nil
			}
			return events.SQSEventResponse{}, nil
		})
	wait.Eventually(t, 20*time.Second, func() (bool, string) {
		mu.Lock()
		defer mu.Unlock()
		return len(counts) >= 3, fmt.Sprintf("receive counts so far %v", counts)
	})
	mu.Lock()
	defer mu.Unlock()
	if want := []string{"1", "2", "3"}; !slices.Equal(counts[:3], want) {
		t.Errorf("ApproximateReceiveCount of the three receipts: got %v, want %v", counts, want)
	}
}
