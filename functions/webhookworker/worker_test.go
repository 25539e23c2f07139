package webhookworker_test

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"keygate/dev/dynamolocal"
	"keygate/dev/sqslocal"
	"keygate/dev/testkit/fntest"
	"keygate/dev/testkit/iamcheck"
	"keygate/functions/webhookworker"
	"keygate/shared/deliveryqueue"
	"keygate/shared/keys"
	"keygate/shared/store"
	"keygate/shared/webhooks"
)

func TestMain(m *testing.M) { os.Exit(dynamolocal.Run(func() int { return sqslocal.Run(m.Run) })) }

// clock is a time the test moves.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time                           { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) QueueDelay(d time.Duration) time.Duration { return d }
func (c *clock) add(d time.Duration)                      { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// workerFixture is alice with an endpoint that answers 200 and one that
// answers 503, the delivery and dead-letter queues on goaws, and the
// function on them with its requests recorded.
type workerFixture struct {
	st            *store.Store
	clock         *clock
	ok, down      string // endpoint ids
	okHits        *hits
	queue, dead   sqslocal.TestQueue
	calls         *iamcheck.Recorder
	fn            *webhookworker.Function
	fanOut        *deliveryqueue.Queue
	disabledAfter time.Duration
}

type hits struct {
	mu  sync.Mutex
	ids []string
}

func (h *hits) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.ids = append(h.ids, r.Header.Get(webhooks.HeaderID))
}

func (h *hits) all() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.ids...)
}

func newWorkerFixture(t *testing.T) *workerFixture {
	client, table := dynamolocal.NewTestTable(t)
	f := &workerFixture{st: store.New(client, table), clock: &clock{now: time.Now().UTC().Truncate(time.Millisecond)}, okHits: &hits{},
		queue: sqslocal.NewTestQueue(t, sqslocal.QueueOptions{MaxReceiveCount: -1}), dead: sqslocal.NewTestQueue(t, sqslocal.QueueOptions{MaxReceiveCount: -1}),
		calls: &iamcheck.Recorder{}, disabledAfter: time.Hour}
	fntest.Seed(t, f.st, "alice", "ws1", keys.RoleOwner)
	okSrv := httptest.NewServer(f.okHits)
	t.Cleanup(okSrv.Close)
	downSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) }))
	t.Cleanup(downSrv.Close)
	svc := webhooks.NewService(f.st, webhooks.ServiceConfig{AllowLoopbackHTTP: true, Now: f.clock.Now})
	op := keys.OperatorCaller("ops", "alice")
	for _, target := range []struct {
		url string
		id  *string
	}{{okSrv.URL, &f.ok}, {downSrv.URL, &f.down}} {
		w, err := svc.Create(t.Context(), op, webhooks.CreateInput{URL: target.url + "/hook", Events: []string{"key.created"}})
		if err != nil {
			t.Fatal(err)
		}
		*target.id = w.ID
	}
	sqsClient := f.calls.SQSClient(f.queue.Client, map[string]string{f.queue.URL: "WebhookDeliveryQueue", f.dead.URL: "WebhookDeadLetterQueue"})
	d := webhooks.NewDeliverer(store.New(f.calls.Client(client), table), deliveryqueue.DeadLetters{API: sqsClient, URL: f.dead.URL},
		webhooks.DeliverConfig{AllowLoopback: true, Clock: f.clock, DisableAfter: f.disabledAfter, AttemptTimeout: 5 * time.Second})
	f.fn = webhookworker.New(webhooks.NewWorker(d, store.New(f.calls.Client(client), table), deliveryqueue.Queue{API: sqsClient, URL: f.queue.URL}), nil)
	f.fanOut = &deliveryqueue.Queue{API: f.queue.Client, URL: f.queue.URL}
	return f
}

// enqueue fans a key.created event out to the queue.
func (f *workerFixture) enqueue(t *testing.T, eventID string) {
	t.Helper()
	tasks, err := webhooks.Tasks(t.Context(), f.st, webhooks.Trigger{UserID: "alice", EventID: eventID, Type: keys.EventKeyCreated,
		At: f.clock.Now(), Data: map[string]string{"keyId": "k1"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.fanOut.SendTasks(t.Context(), tasks); err != nil {
		t.Fatal(err)
	}
}

// receive takes what the queue has visible, as the event-source mapping
// would, as one batch.
func (f *workerFixture) receive(t *testing.T, q sqslocal.TestQueue) events.SQSEvent {
	t.Helper()
	var ev events.SQSEvent
	for {
		out, err := q.Client.ReceiveMessage(t.Context(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(q.URL), MaxNumberOfMessages: 10,
			MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll}})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Messages) == 0 {
			return ev
		}
		for _, m := range out.Messages {
			ev.Records = append(ev.Records, events.SQSMessage{MessageId: aws.ToString(m.MessageId), ReceiptHandle: aws.ToString(m.ReceiptHandle),
				Body: aws.ToString(m.Body), Attributes: m.Attributes})
		}
	}
}

// failedIDs are the reported messages' ids.
func failedIDs(resp events.SQSEventResponse) map[string]bool {
	out := map[string]bool{}
	for _, f := range resp.BatchItemFailures {
		out[f.ItemIdentifier] = true
	}
	return out
}

// TestWorkerOutcomesAndGrants hands the function one batch: a delivery to
// a healthy endpoint (delivered, its message deleted by not being
// reported), one to a failing endpoint (its next attempt queued as a new
// message, delayed until due; the message itself done), one to an endpoint
// deleted since (nothing to do) and a message that is no task (reported,
// for the queue's redrive). Then the failing endpoint's next attempt, past its
// disable period: disabled, audited, dead-lettered. Every DynamoDB and SQS
// request is within WebhookWorkerFunction's statements.
func TestWorkerOutcomesAndGrants(t *testing.T) {
	f := newWorkerFixture(t)
	f.enqueue(t, "ev1")
	if err := f.fanOut.SendTasks(t.Context(), []webhooks.Task{{DeliveryID: "whd_gone", WebhookID: "wh_gone0000000001", UserID: "alice",
		Type: keys.EventKeyCreated, EventID: "ev0", Body: `{"id":"whd_gone"}`}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.queue.Client.SendMessage(t.Context(), &sqs.SendMessageInput{QueueUrl: aws.String(f.queue.URL), MessageBody: aws.String("not a task")}); err != nil {
		t.Fatal(err)
	}
	batch := f.receive(t, f.queue)
	if len(batch.Records) != 4 {
		t.Fatalf("received %d messages, want 4", len(batch.Records))
	}
	resp, err := f.fn.Handle(t.Context(), batch)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, r := range batch.Records {
		if _, err := webhooks.DecodeTask(r.Body); err != nil {
			want[r.MessageId] = true
		}
	}
	if got := failedIDs(resp); len(got) != 1 || !maps.Equal(got, want) {
		t.Errorf("reported: got %v, want the non-task's %v", got, want)
	}
	if ids := f.okHits.all(); len(ids) != 1 || ids[0] != webhooks.DeliveryID(f.ok, "ev1") {
		t.Errorf("the healthy endpoint got %v, want its delivery once", ids)
	}
	// The failing delivery's next attempt is delayed until due
	// (RetrySchedule[0], 5 s), and the non-task's message hidden for the
	// queue's visibility timeout (30 s): a receive now sees neither.
	if again := f.receive(t, f.queue); len(again.Records) != 0 {
		t.Errorf("visible right after the batch: %d messages, want none (the retry waits its schedule)", len(again.Records))
	}

	// The endpoint's next attempt, past its disable period.
	f.clock.add(f.disabledAfter + time.Minute)
	f.enqueue(t, "ev2")
	batch = f.receive(t, f.queue)
	if _, err := f.fn.Handle(t.Context(), batch); err != nil {
		t.Fatal(err)
	}
	w, err := f.st.GetWebhook(t.Context(), "alice", f.down)
	if err != nil || !w.Disabled() {
		t.Errorf("the failing endpoint: got %+v, %v; want it disabled", w, err)
	}
	if dead := f.receive(t, f.dead); len(dead.Records) != 1 {
		t.Errorf("dead letters: got %d, want the disabled endpoint's delivery", len(dead.Records))
	}
	statements := iamcheck.Statements(t, "WebhookWorkerFunction")
	reqs := f.calls.Take()
	iamcheck.AssertAllowed(t, statements, "WebhookWorkerFunction", reqs)
	iamcheck.AssertAllUsed(t, statements, "WebhookWorkerFunction", reqs, map[string]string{
		"ReceiveDeliveries": "Lambda's event-source mapping receives and deletes with the function's role, not its code",
	})
}
