package webhooks_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"keygate/dev/dynamolocal"
	"keygate/dev/testkit/fntest"
	"keygate/shared/apperr"
	"keygate/shared/keys"
	"keygate/shared/store"
	"keygate/shared/webhooks"
)

func TestMain(m *testing.M) { dynamolocal.Main(m) }

// testClock is a time the test moves; the queue's delays are the clock's.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func (c *testClock) QueueDelay(d time.Duration) time.Duration { return d }

// deadLetters keeps what the worker dead-letters.
type deadLetters struct {
	mu   sync.Mutex
	sent []webhooks.DeadLetter
}

func (d *deadLetters) Send(_ context.Context, l webhooks.DeadLetter) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.sent = append(d.sent, l)
	return nil
}

// requeued keeps what the worker queues for a next attempt.
type requeued struct {
	mu    sync.Mutex
	tasks []webhooks.Task
}

func (q *requeued) Requeue(_ context.Context, t webhooks.Task, _ time.Duration) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.tasks = append(q.tasks, t)
	return nil
}

// receiver answers status, after delay, and records the delivery id of
// each request.
type receiver struct {
	mu     sync.Mutex
	status int
	delay  time.Duration
	ids    []string
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	r.ids = append(r.ids, req.Header.Get(webhooks.HeaderID))
	status, delay := r.status, r.delay
	r.mu.Unlock()
	time.Sleep(delay)
	w.WriteHeader(status)
}

func (r *receiver) set(status int, delay time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.status, r.delay = status, delay
}

func (r *receiver) received() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.ids...)
}

// workerFixture is a Worker on DynamoDB Local with one endpoint of alice's
// pointing at a receiver, and a task for it.
type workerFixture struct {
	st     *store.Store
	clock  *testClock
	dlq    *deadLetters
	rcv    *receiver
	worker *webhooks.Worker
	task   webhooks.Task
}

// secondTask fans another key.created event out to the fixture's endpoint.
func (f *workerFixture) secondTask(tb testing.TB, eventID string) webhooks.Task {
	tb.Helper()
	tasks, err := webhooks.Tasks(context.Background(), f.st, webhooks.Trigger{UserID: "alice", EventID: eventID, Type: keys.EventKeyCreated,
		At: f.clock.Now(), Data: map[string]string{"keyId": "k1"}})
	if err != nil || len(tasks) != 1 {
		tb.Fatalf("fan-out: %v tasks, %v", len(tasks), err)
	}
	return tasks[0]
}

// endpoint registers another endpoint of alice's, on a receiver answering
// status, and returns its id.
func (f *workerFixture) endpoint(tb testing.TB, status int) string {
	tb.Helper()
	srv := httptest.NewServer(&receiver{status: status})
	tb.Cleanup(srv.Close)
	w := webhooks.Webhook{ID: "wh_worker0000002", UserID: "alice", URL: srv.URL, Events: []webhooks.EventType{keys.EventKeyCreated},
		CreatedAt: f.clock.Now(), UpdatedAt: f.clock.Now(), Secret: "whsec_dGVzdHNlY3JldHRlc3RzZWNyZXR0ZXN0"}
	if err := f.st.CreateWebhook(context.Background(), w, webhooks.MaxPerUser, nil); err != nil {
		tb.Fatal(err)
	}
	return w.ID
}

func newWorkerFixture(tb testing.TB, status int) *workerFixture {
	tb.Helper()
	client, table := dynamolocal.NewTestTable(tb)
	f := &workerFixture{st: store.New(client, table), clock: &testClock{now: time.Now().UTC().Truncate(time.Millisecond)},
		dlq: &deadLetters{}, rcv: &receiver{status: status}}
	fntest.Seed(tb, f.st, "alice", "", keys.RoleOwner)
	srv := httptest.NewServer(f.rcv)
	tb.Cleanup(srv.Close)
	w := webhooks.Webhook{ID: "wh_worker0000001", UserID: "alice", URL: srv.URL, Events: []webhooks.EventType{keys.EventKeyCreated},
		CreatedAt: f.clock.Now(), UpdatedAt: f.clock.Now(), Secret: "whsec_dGVzdHNlY3JldHRlc3RzZWNyZXR0ZXN0"}
	if err := f.st.CreateWebhook(context.Background(), w, webhooks.MaxPerUser, nil); err != nil {
		tb.Fatal(err)
	}
	tasks, err := webhooks.Tasks(context.Background(), f.st, webhooks.Trigger{UserID: "alice", EventID: "ev1", Type: keys.EventKeyCreated,
		At: f.clock.Now(), Data: map[string]string{"keyId": "k1"}})
	if err != nil || len(tasks) != 1 {
		tb.Fatalf("fan-out: %v tasks, %v", len(tasks), err)
	}
	f.task = tasks[0]
	d := webhooks.NewDeliverer(f.st, f.dlq, webhooks.DeliverConfig{Clock: f.clock, AllowLoopback: true, AttemptTimeout: 2 * time.Second, RiskyAttempts: 2})
	f.worker = webhooks.NewWorker(d, f.st, &requeued{})
	return f
}

// TestRetriesSpanTheSchedule: a receiver that always fails gets eight
// attempts of one delivery id, the waits between them RetrySchedule's
// (27 h 35 min 5 s in all, under an injected clock), then the delivery is
// dead-lettered, once.
func TestRetriesSpanTheSchedule(t *testing.T) {
	f := newWorkerFixture(t, http.StatusServiceUnavailable)
	ctx := context.Background()
	var waits []time.Duration
	task := f.task
	for range webhooks.MaxAttempts + 2 {
		out, err := f.worker.Attempt(ctx, task)
		if err != nil {
			t.Fatal(err)
		}
		if !out.Retry {
			break
		}
		if out.Next.Attempt != task.Attempt+1 || !out.Next.NotBefore.Equal(f.clock.Now().Add(out.RetryIn)) {
			t.Errorf("next task %+v: want attempt %d due after %v", out.Next, task.Attempt+1, out.RetryIn)
		}
		waits = append(waits, out.RetryIn)
		f.clock.add(out.RetryIn)
		task = out.Next
	}
	if len(waits) != len(webhooks.RetrySchedule) {
		t.Fatalf("waits: got %v, want %v", waits, webhooks.RetrySchedule)
	}
	var span time.Duration
	for i, w := range waits {
		if w != webhooks.RetrySchedule[i] {
			t.Errorf("wait %d: got %v, want %v", i, w, webhooks.RetrySchedule[i])
		}
		span += w
	}
	if want := 27*time.Hour + 35*time.Minute + 5*time.Second; span != want {
		t.Errorf("span: got %v, want %v", span, want)
	}
	ids := f.rcv.received()
	if len(ids) != webhooks.MaxAttempts {
		t.Errorf("attempts received: got %d, want %d", len(ids), webhooks.MaxAttempts)
	}
	for i, id := range ids {
		if id != f.task.DeliveryID {
			t.Errorf("attempt %d: delivery id %q, want %q on every attempt", i+1, id, f.task.DeliveryID)
		}
	}
	if len(f.dlq.sent) != 1 || f.dlq.sent[0].Attempts != webhooks.MaxAttempts {
		t.Errorf("dead letters: got %+v, want one after %d attempts", f.dlq.sent, webhooks.MaxAttempts)
	}
	got, _ := f.st.ListDeliveries(ctx, "alice", f.task.WebhookID, 10)
	if len(got) != 1 || got[0].Status != webhooks.StatusDeadLettered || got[0].Attempts != webhooks.MaxAttempts {
		t.Errorf("delivery log: got %+v, want one dead-lettered after %d attempts", got, webhooks.MaxAttempts)
	}
	t.Run("a dead-lettered task received again sends nothing", func(t *testing.T) {
		out, err := f.worker.Attempt(ctx, task)
		if err != nil || out.Retry || len(f.rcv.received()) != webhooks.MaxAttempts {
			t.Errorf("got %+v, %v and %d requests; want done, no request", out, err, len(f.rcv.received()))
		}
	})
}

// TestDeliveredOnceAtLeastOnce: a delivered task received again (SQS is
// at least once) is not sent again; a worker that died mid-attempt (its
// attempt unrecorded, its slot still leased) loses nothing: the task's
// next receipt delivers it, with the same id.
func TestDeliveredOnceAtLeastOnce(t *testing.T) {
	f := newWorkerFixture(t, http.StatusOK)
	ctx := context.Background()
	// The dead worker's lease on a slot, until after this test.
	if _, ok, err := f.st.AcquireAttempt(ctx, webhooks.Lease{UserID: "alice", WebhookID: f.task.WebhookID, Holder: f.task.DeliveryID + "#1",
		Slots: webhooks.MaxInFlight, Now: f.clock.Now(), Until: f.clock.Now().Add(time.Hour)}); !ok || err != nil {
		t.Fatalf("lease: %v %v", ok, err)
	}
	for i := range 3 {
		out, err := f.worker.Attempt(ctx, f.task)
		if err != nil || out.Retry {
			t.Fatalf("receipt %d: got %+v, %v; want done", i+1, out, err)
		}
	}
	if ids := f.rcv.received(); len(ids) != 1 || ids[0] != f.task.DeliveryID {
		t.Errorf("received: got %v, want the delivery once, with its id", ids)
	}
}

// TestEndpointAttemptsInFlightAreBounded: an endpoint whose MaxInFlight
// slots are all held (a tarpit) gets no further attempt; the task comes
// back shortly without counting an attempt, and goes through once a slot's
// lease ends.
func TestEndpointAttemptsInFlightAreBounded(t *testing.T) {
	f := newWorkerFixture(t, http.StatusOK)
	ctx := context.Background()
	for i := range webhooks.MaxInFlight {
		holder := "tarpit#" + string(rune('a'+i))
		if _, ok, err := f.st.AcquireAttempt(ctx, webhooks.Lease{UserID: "alice", WebhookID: f.task.WebhookID, Holder: holder,
			Slots: webhooks.MaxInFlight, Now: f.clock.Now(), Until: f.clock.Now().Add(20 * time.Second)}); !ok || err != nil {
			t.Fatalf("slot %d: %v %v", i, ok, err)
		}
	}
	out, err := f.worker.Attempt(ctx, f.task)
	if err != nil || !out.Retry || out.RetryIn <= 0 || out.RetryIn > 5*time.Second || out.Next.Busy != 1 {
		t.Fatalf("with every slot held: got %+v, %v; want a short wait, counted as busy", out, err)
	}
	if n := len(f.rcv.received()); n != 0 {
		t.Errorf("requests with every slot held: got %d, want 0", n)
	}
	f.clock.add(21 * time.Second)
	if out, err := f.worker.Attempt(ctx, out.Next); err != nil || out.Retry {
		t.Fatalf("after the leases end: got %+v, %v; want delivered", out, err)
	}
	got, _ := f.st.ListDeliveries(ctx, "alice", f.task.WebhookID, 10)
	if len(got) != 1 || got[0].Attempts != 1 || got[0].Status != webhooks.StatusDelivered {
		t.Errorf("delivery log: got %+v, want delivered on its first attempt (the busy receipt is no attempt)", got)
	}
}

// TestFailingEndpointGetsOneAttemptInFlight: once an endpoint's attempt
// has failed, it is tried one delivery at a time — a second task finds its
// one slot taken and waits, though a healthy endpoint would have had
// MaxInFlight.
func TestFailingEndpointGetsOneAttemptInFlight(t *testing.T) {
	f := newWorkerFixture(t, http.StatusServiceUnavailable)
	ctx := context.Background()
	first, err := f.worker.Attempt(ctx, f.task)
	if err != nil || !first.Retry {
		t.Fatalf("first attempt: got %+v, %v; want a retry", first, err)
	}
	w, err := f.st.GetWebhook(ctx, "alice", f.task.WebhookID)
	if err != nil || w.FailingSince.IsZero() {
		t.Fatalf("endpoint after a failure: %+v, %v; want FailingSince set", w, err)
	}
	// Another worker's attempt in flight, in the one slot a failing
	// endpoint has.
	if _, ok, err := f.st.AcquireAttempt(ctx, webhooks.Lease{UserID: "alice", WebhookID: f.task.WebhookID, Holder: "other#1",
		Slots: webhooks.MaxInFlightFailing, Now: f.clock.Now(), Until: f.clock.Now().Add(20 * time.Second)}); !ok || err != nil {
		t.Fatalf("other attempt's lease: %v %v", ok, err)
	}
	before := len(f.rcv.received())
	f.clock.add(webhooks.RetrySchedule[0])
	out, err := f.worker.Attempt(ctx, first.Next)
	if err != nil || !out.Retry || out.RetryIn != webhooks.BusyWait(1) {
		t.Fatalf("with the failing endpoint's slot taken: got %+v, %v; want a busy wait of %v", out, err, webhooks.BusyWait(1))
	}
	if n := len(f.rcv.received()); n != before {
		t.Errorf("requests while its one slot is taken: got %d, want %d", n, before)
	}
}

// TestUserAttemptsInFlightAreBounded: with MaxInFlightPerUser attempts of
// the user's other endpoints in flight (slow receivers, say), a healthy
// endpoint of the same user waits its turn — the user's endpoints together
// hold no more of the worker than that — and goes through once they end.
func TestUserAttemptsInFlightAreBounded(t *testing.T) {
	f := newWorkerFixture(t, http.StatusOK)
	ctx := context.Background()
	for i := range webhooks.MaxInFlightPerUser {
		holder := "slow#" + string(rune('a'+i))
		if _, ok, err := f.st.AcquireAttempt(ctx, webhooks.Lease{UserID: "alice", Holder: holder, Slots: webhooks.MaxInFlightPerUser,
			Now: f.clock.Now(), Until: f.clock.Now().Add(20 * time.Second)}); !ok || err != nil {
			t.Fatalf("user slot %d: %v %v", i, ok, err)
		}
	}
	out, err := f.worker.Attempt(ctx, f.task)
	if err != nil || !out.Retry || out.RetryIn != webhooks.BusyWait(1) {
		t.Fatalf("with the user's slots held: got %+v, %v; want a busy wait", out, err)
	}
	if n := len(f.rcv.received()); n != 0 {
		t.Errorf("requests with the user's slots held: got %d, want 0", n)
	}
	// The endpoint's own slot, taken first, was given back: its
	// MaxInFlight are all free.
	for i := range webhooks.MaxInFlight {
		if _, ok, err := f.st.AcquireAttempt(ctx, webhooks.Lease{UserID: "alice", WebhookID: f.task.WebhookID, Holder: "probe#" + string(rune('a'+i)),
			Slots: webhooks.MaxInFlight, Now: f.clock.Now(), Until: f.clock.Now()}); !ok || err != nil {
			t.Fatalf("endpoint slot %d after a refused attempt: %v %v; want free", i, ok, err)
		}
	}
	f.clock.add(21 * time.Second)
	if out, err := f.worker.Attempt(ctx, out.Next); err != nil || out.Retry {
		t.Fatalf("after the user's leases end: got %+v, %v; want delivered", out, err)
	}
	if ids := f.rcv.received(); len(ids) != 1 {
		t.Errorf("received: got %v, want one delivery", ids)
	}
}

// TestWaitsAreChainsAndCopiesAreStale: a task not yet due is sent on as
// it is, with no request; a copy of an attempt the log already holds (SQS
// delivers at least once) does nothing.
func TestWaitsAreChainsAndCopiesAreStale(t *testing.T) {
	f := newWorkerFixture(t, http.StatusServiceUnavailable)
	ctx := context.Background()
	early := f.task
	early.NotBefore = f.clock.Now().Add(time.Hour)
	out, err := f.worker.Attempt(ctx, early)
	if err != nil || !out.Retry || out.RetryIn != time.Hour || out.Next != early {
		t.Fatalf("a task due in an hour: got %+v, %v; want it sent on unchanged, due in an hour", out, err)
	}
	if n := len(f.rcv.received()); n != 0 {
		t.Fatalf("requests for a task not due: %d, want 0", n)
	}
	if out, err := f.worker.Attempt(ctx, f.task); err != nil || !out.Retry {
		t.Fatalf("first attempt: got %+v, %v; want a retry", out, err)
	}
	if out, err := f.worker.Attempt(ctx, f.task); err != nil || out.Retry {
		t.Fatalf("a copy of the first attempt's message: got %+v, %v; want done", out, err)
	}
	if n := len(f.rcv.received()); n != 1 {
		t.Errorf("requests: got %d, want the first attempt's only", n)
	}
}

// TestSlowEndpointIsBoundedAsAFailingOne: an endpoint that answers 200
// only after half the attempt timeout is marked slow (SlowSince) and
// gets one attempt in flight, like a failing one; a prompt answer clears
// the mark.
func TestSlowEndpointIsBoundedAsAFailingOne(t *testing.T) {
	f := newWorkerFixture(t, http.StatusOK)
	ctx := context.Background()
	f.rcv.set(http.StatusOK, 1100*time.Millisecond) // the fixture's attempt timeout is 2 s
	if out, err := f.worker.Attempt(ctx, f.task); err != nil || out.Retry {
		t.Fatalf("a slow success: got %+v, %v; want delivered", out, err)
	}
	w, err := f.st.GetWebhook(ctx, "alice", f.task.WebhookID)
	if err != nil || w.SlowSince.IsZero() || !w.FailingSince.IsZero() {
		t.Fatalf("after a slow success: %+v, %v; want SlowSince set, FailingSince not", w, err)
	}
	if _, ok, err := f.st.AcquireAttempt(ctx, webhooks.Lease{UserID: "alice", WebhookID: f.task.WebhookID, Holder: "other#1",
		Slots: webhooks.MaxInFlightFailing, Now: f.clock.Now(), Until: f.clock.Now().Add(20 * time.Second)}); !ok || err != nil {
		t.Fatalf("other attempt's lease: %v %v", ok, err)
	}
	second := f.secondTask(t, "ev2")
	if out, err := f.worker.Attempt(ctx, second); err != nil || !out.Retry || out.Next.Busy != 1 {
		t.Fatalf("with the slow endpoint's one slot taken: got %+v, %v; want a busy wait", out, err)
	}
	f.clock.add(21 * time.Second)
	f.rcv.set(http.StatusOK, 0)
	if out, err := f.worker.Attempt(ctx, second); err != nil || out.Retry {
		t.Fatalf("a prompt success: got %+v, %v; want delivered", out, err)
	}
	if w, err := f.st.GetWebhook(ctx, "alice", f.task.WebhookID); err != nil || !w.SlowSince.IsZero() {
		t.Errorf("after a prompt success: %+v, %v; want SlowSince cleared", w, err)
	}
}

// TestRiskyAttemptsShareOneBudget: attempts to failing or slow endpoints,
// of every user together, hold at most RiskyAttempts of the worker; with
// that budget taken a failing endpoint's retry waits, and a healthy
// endpoint's delivery does not.
func TestRiskyAttemptsShareOneBudget(t *testing.T) {
	f := newWorkerFixture(t, http.StatusServiceUnavailable)
	ctx := context.Background()
	first, err := f.worker.Attempt(ctx, f.task)
	if err != nil || !first.Retry {
		t.Fatalf("first attempt: got %+v, %v; want a retry", first, err)
	}
	// Every slot of the budget (the fixture's: 2), held by other users'
	// risky attempts.
	for i := range 2 {
		if _, ok, err := f.st.AcquireAttempt(ctx, webhooks.Lease{Holder: "elsewhere#" + string(rune('a'+i)), Slots: 2,
			Now: f.clock.Now(), Until: f.clock.Now().Add(time.Hour)}); !ok || err != nil {
			t.Fatalf("budget slot %d: %v %v", i, ok, err)
		}
	}
	f.clock.add(webhooks.RetrySchedule[0])
	before := len(f.rcv.received())
	if out, err := f.worker.Attempt(ctx, first.Next); err != nil || !out.Retry || out.Next.Busy != 1 {
		t.Fatalf("a failing endpoint's retry with the budget taken: got %+v, %v; want a busy wait", out, err)
	}
	if n := len(f.rcv.received()); n != before {
		t.Errorf("requests to the failing endpoint with the budget taken: %d, want %d", n, before)
	}
	healthy := f.endpoint(t, http.StatusOK)
	tasks, err := webhooks.Tasks(ctx, f.st, webhooks.Trigger{UserID: "alice", WebhookID: healthy, EventID: "ping1", Type: webhooks.EventPing,
		At: f.clock.Now(), Data: map[string]string{"webhookId": healthy}})
	if err != nil || len(tasks) != 1 {
		t.Fatalf("fan-out of a ping: %v, %v", tasks, err)
	}
	if out, err := f.worker.Attempt(ctx, tasks[0]); err != nil || out.Retry {
		t.Errorf("a healthy endpoint with the risky budget taken: got %+v, %v; want delivered", out, err)
	}
}

// TestAStaleCopyNeverOverwritesTheLog: two copies of one attempt's
// message (SQS delivers at least once) taken at once, the first delivered:
// the second's failure, finishing later, does not turn the log back to
// retrying (the next attempt it queued then finds the delivery delivered,
// TestDeliveredOnceAtLeastOnce).
func TestAStaleCopyNeverOverwritesTheLog(t *testing.T) {
	f := newWorkerFixture(t, http.StatusOK)
	ctx := context.Background()
	if out, err := f.worker.Attempt(ctx, f.task); err != nil || out.Retry {
		t.Fatalf("first copy: got %+v, %v; want delivered", out, err)
	}
	// The second copy's failed attempt, as its worker would log it.
	stale := webhooks.Delivery{ID: f.task.DeliveryID, WebhookID: f.task.WebhookID, UserID: "alice", Type: f.task.Type, EventID: f.task.EventID,
		EventAt: f.task.EventAt, Status: webhooks.StatusRetrying, Attempts: 1, LastError: "status 503", CreatedAt: f.clock.Now(), UpdatedAt: f.clock.Now()}
	if err := f.st.PutDelivery(ctx, stale); !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("the stale outcome: got %v, want Conflict", err)
	}
	got, _ := f.st.ListDeliveries(ctx, "alice", f.task.WebhookID, 10)
	if len(got) != 1 || got[0].Status != webhooks.StatusDelivered {
		t.Errorf("delivery log: got %+v, want it still delivered", got)
	}
	// Two copies that both failed: the second's outcome is refused too,
	// so only the first's chain is in the log.
	retrying := stale
	retrying.ID, retrying.EventID, retrying.Chain = "whd_other", "ev-other", "chain-1"
	if err := f.st.PutDelivery(ctx, retrying); err != nil {
		t.Fatal(err)
	}
	retrying.Chain = "chain-2"
	if err := f.st.PutDelivery(ctx, retrying); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("a second copy's failed attempt: got %v, want Conflict", err)
	}
}

// TestACopysChainDoesNothing: after a failed attempt, only the message
// the log names (its chain) carries the retries on; a copy's next attempt,
// another chain, does nothing — copies of one message never double a
// delivery's retries.
func TestACopysChainDoesNothing(t *testing.T) {
	f := newWorkerFixture(t, http.StatusServiceUnavailable)
	ctx := context.Background()
	first, err := f.worker.Attempt(ctx, f.task)
	if err != nil || !first.Retry || first.Next.Chain == "" {
		t.Fatalf("first attempt: got %+v, %v; want a retry with a chain", first, err)
	}
	f.clock.add(first.RetryIn)
	copyNext := first.Next
	copyNext.Chain = "another-chain"
	if out, err := f.worker.Attempt(ctx, copyNext); err != nil || out.Retry {
		t.Fatalf("a copy's next attempt: got %+v, %v; want done", out, err)
	}
	if n := len(f.rcv.received()); n != 1 {
		t.Fatalf("requests after the copy's: %d, want the first attempt's only", n)
	}
	if out, err := f.worker.Attempt(ctx, first.Next); err != nil || !out.Retry || out.Next.Attempt != 3 {
		t.Fatalf("the log's chain: got %+v, %v; want the second attempt made, a third queued", out, err)
	}
	if n := len(f.rcv.received()); n != 2 {
		t.Errorf("requests: %d, want 2", n)
	}
}

// TestANextAttemptWaitsForTheLog: the next attempt's message is sent
// before the log records the failed one; received that early, it waits
// for the log instead of being taken for a copy, and then goes through.
func TestANextAttemptWaitsForTheLog(t *testing.T) {
	f := newWorkerFixture(t, http.StatusOK)
	ctx := context.Background()
	early := f.task
	early.Attempt, early.Chain = 2, "chain-not-logged-yet"
	out, err := f.worker.Attempt(ctx, early)
	if err != nil || !out.Retry || out.Next.Busy != 1 || out.Next.Chain != early.Chain {
		t.Fatalf("a next attempt the log has not caught up with: got %+v, %v; want it to wait, unchanged", out, err)
	}
	if n := len(f.rcv.received()); n != 0 {
		t.Errorf("requests: %d, want none yet", n)
	}
	// The log catches up: attempt 1 failed, with this chain.
	logged := webhooks.Delivery{ID: f.task.DeliveryID, WebhookID: f.task.WebhookID, UserID: "alice", Type: f.task.Type, EventID: f.task.EventID,
		EventAt: f.task.EventAt, Status: webhooks.StatusRetrying, Attempts: 1, Chain: early.Chain, CreatedAt: f.clock.Now(), UpdatedAt: f.clock.Now()}
	if err := f.st.PutDelivery(ctx, logged); err != nil {
		t.Fatal(err)
	}
	if out, err := f.worker.Attempt(ctx, out.Next); err != nil || out.Retry {
		t.Fatalf("after the log caught up: got %+v, %v; want delivered", out, err)
	}
	if n := len(f.rcv.received()); n != 1 {
		t.Errorf("requests: %d, want 1", n)
	}
}

// TestRetryable: what a user may send again — a dead-lettered or skipped
// delivery, or one stuck an hour past its due time — and what is still
// under way or received.
func TestRetryable(t *testing.T) {
	now := time.Date(2027, 1, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		d    webhooks.Delivery
		want bool
	}{
		{"dead-lettered", webhooks.Delivery{Status: webhooks.StatusDeadLettered}, true},
		{"skipped", webhooks.Delivery{Status: webhooks.StatusSkipped}, true},
		{"delivered", webhooks.Delivery{Status: webhooks.StatusDelivered}, false},
		{"retrying, due half an hour ago", webhooks.Delivery{Status: webhooks.StatusRetrying, NextRetryAt: now.Add(-30 * time.Minute)}, false},
		{"retrying, due two hours ago", webhooks.Delivery{Status: webhooks.StatusRetrying, NextRetryAt: now.Add(-2 * time.Hour)}, true},
		{"retrying, due in five hours", webhooks.Delivery{Status: webhooks.StatusRetrying, NextRetryAt: now.Add(5 * time.Hour)}, false},
		{"pending, updated just now", webhooks.Delivery{Status: webhooks.StatusPending, UpdatedAt: now}, false},
		{"pending, updated two hours ago", webhooks.Delivery{Status: webhooks.StatusPending, UpdatedAt: now.Add(-2 * time.Hour)}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := webhooks.Retryable(tt.d, now); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestBusyWaitDoubles: the wait of a task whose endpoint is busy doubles
// with its receipts, from 2 s to at most 15 minutes.
func TestBusyWaitDoubles(t *testing.T) {
	for _, tc := range []struct {
		received int
		want     time.Duration
	}{{0, 2 * time.Second}, {1, 2 * time.Second}, {2, 4 * time.Second}, {5, 32 * time.Second}, {9, 512 * time.Second}, {10, 15 * time.Minute}, {1000, 15 * time.Minute}} {
		if got := webhooks.BusyWait(tc.received); got != tc.want {
			t.Errorf("BusyWait(%d): got %v, want %v", tc.received, got, tc.want)
		}
	}
}
