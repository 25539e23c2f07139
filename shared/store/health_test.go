package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/shared/apperr"
	"keygate/shared/keys"
	"keygate/shared/store"
	"keygate/shared/webhooks"
)

// fakeClock is the delivery pipeline's clock: the pump moves it by each
// wait, no real wait.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *fakeClock) QueueDelay(d time.Duration) time.Duration { return d }

func (c *fakeClock) advance(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// receiver is an endpoint's server: it answers status and records the
// X-Webhook-Id and type of every request.
type receiver struct {
	*httptest.Server
	status atomic.Int32
	mu     sync.Mutex
	got    []string // "<type> <id>"
}

func newReceiver(tb testing.TB, status int) *receiver {
	tb.Helper()
	r := &receiver{}
	r.status.Store(int32(status))
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		var body struct {
			Type string `json:"type"`
		}
		_ = json.NewDecoder(req.Body).Decode(&body)
		r.mu.Lock()
		r.got = append(r.got, body.Type+" "+req.Header.Get(webhooks.HeaderID))
		r.mu.Unlock()
		w.WriteHeader(int(r.status.Load()))
	}))
	tb.Cleanup(r.Close)
	return r
}

func (r *receiver) requests() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.got...)
}

// count is how many requests of type t it got.
func (r *receiver) count(t keys.EventType) int {
	n := 0
	for _, g := range r.requests() {
		if strings.HasPrefix(g, string(t)+" ") {
			n++
		}
	}
	return n
}

// healthEnv is the webhook use cases and the delivery worker on DynamoDB
// Local, with one injected clock; pump hands the fan-out what the table's
// stream would (each new trigger item once) and the worker its tasks, as
// the queue would.
type healthEnv struct {
	st     *store.Store
	client *dynamodb.Client
	table  string
	clock  *fakeClock
	svc    *webhooks.Service
	worker *webhooks.Worker
	seen   map[string]bool
}

// The test's schedule: three attempts an hour apart, disabled after 150
// minutes of failures only.
const testDisableAfter = 150 * time.Minute

func newHealthEnv(tb testing.TB) *healthEnv {
	tb.Helper()
	st, client, table := newStore(tb)
	e := &healthEnv{st: st, client: client, table: table, seen: map[string]bool{},
		clock: &fakeClock{now: time.Date(2027, 1, 15, 8, 0, 0, 0, time.UTC)}}
	e.svc = webhooks.NewService(st, webhooks.ServiceConfig{Now: e.clock.Now, AllowLoopbackHTTP: true, AuditRetention: 24 * time.Hour})
	e.worker = webhooks.NewWorker(webhooks.NewDeliverer(st, discardDeadLetters{}, webhooks.DeliverConfig{AllowLoopback: true, Clock: e.clock,
		Schedule: []time.Duration{time.Hour, time.Hour}, DisableAfter: testDisableAfter}), st, discardQueue{})
	return e
}

// discardQueue takes the next attempts: attempt makes them itself.
type discardQueue struct{}

func (discardQueue) Requeue(context.Context, webhooks.Task, time.Duration) error { return nil }

type discardDeadLetters struct{}

func (discardDeadLetters) Send(context.Context, webhooks.DeadLetter) error { return nil }

// pump delivers every trigger written since the last pump, as the stream
// would, each task attempted until done with the clock moved by each wait,
// until the deliveries write no new trigger.
func (e *healthEnv) pump(tb testing.TB) {
	tb.Helper()
	for more := true; more; {
		more = false
		for _, item := range scan(tb, e.client, e.table) {
			t, ok := store.Trigger(item)
			key := fmt.Sprint(item["pk"], item["sk"])
			if !ok || e.seen[key] {
				continue
			}
			e.seen[key], more = true, true
			tasks, err := webhooks.Tasks(context.Background(), e.st, t)
			if err != nil {
				tb.Fatalf("fan out %s: %v", t.EventID, err)
			}
			for _, task := range tasks {
				e.attempt(tb, task)
			}
		}
	}
}

// attempt makes task's attempts until it is done, moving the clock by each
// wait the worker asks for.
func (e *healthEnv) attempt(tb testing.TB, task webhooks.Task) {
	tb.Helper()
	for range 100 {
		out, err := e.worker.Attempt(context.Background(), task)
		if err != nil {
			tb.Fatalf("attempt %s: %v", task.DeliveryID, err)
		}
		if !out.Retry {
			return
		}
		e.clock.advance(out.RetryIn)
		task = out.Next
	}
	tb.Fatalf("%s: not done after 100 receipts", task.DeliveryID)
}

func (e *healthEnv) create(tb testing.TB, userID, url string, events ...string) webhooks.Webhook {
	tb.Helper()
	w, err := e.svc.Create(context.Background(), keyCaller(userID), webhooks.CreateInput{URL: url, Events: events})
	if err != nil {
		tb.Fatalf("create %s: %v", url, err)
	}
	return w
}

func (e *healthEnv) get(tb testing.TB, w webhooks.Webhook) webhooks.Webhook {
	tb.Helper()
	got, err := e.st.GetWebhook(context.Background(), w.UserID, w.ID)
	if err != nil {
		tb.Fatalf("get %s: %v", w.ID, err)
	}
	return got
}

// eventsOf are userID's audit events of type t, newest first.
func eventsOf(tb testing.TB, st *store.Store, userID string, t keys.EventType) []keys.Event {
	tb.Helper()
	var out []keys.Event
	for _, ev := range userEvents(tb, st, userID) {
		if ev.Type == t {
			out = append(out, ev)
		}
	}
	return out
}

// TestHealthDisablesAfterThePeriod: an endpoint is disabled by the first
// failed attempt at least DisableAfter after the first failure since a
// success, not before; a success in between starts the period again.
func TestHealthDisablesAfterThePeriod(t *testing.T) {
	t.Parallel()
	const p = testDisableAfter
	type step struct {
		at           time.Duration // after the start
		ok           bool
		wantDisabled bool
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"failures for less than the period", []step{{0, false, false}, {p / 2, false, false}, {p - time.Millisecond, false, false}}},
		{"failures for exactly the period", []step{{0, false, false}, {p / 2, false, false}, {p, false, true}}},
		{"a success in between starts again", []step{{0, false, false}, {p / 2, true, false}, {p, false, false}, {p + p/2, false, false},
			{2*p - time.Millisecond, false, false}, {2 * p, false, true}}},
		{"successes only", []step{{0, true, false}, {p, true, false}, {2 * p, true, false}}},
		{"a success after the period, before a failure", []step{{0, false, false}, {p + time.Minute, true, false}, {p + 2*time.Minute, false, false}}},
	}
	st, _, _ := newStore(t)
	start := time.Date(2027, 1, 15, 8, 0, 0, 0, time.UTC)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			user := "health" + string(rune('a'+i))
			seedUser(t, st, user, "")
			svc := webhooks.NewService(st, webhooks.ServiceConfig{Now: func() time.Time { return start }})
			w, err := svc.Create(context.Background(), keyCaller(user), webhooks.CreateInput{URL: "https://hooks.example.com/x?token=s3cret", Events: []string{"key.created"}})
			if err != nil {
				t.Fatal(err)
			}
			h := webhooks.Health{Store: st, DisableAfter: p}
			for _, s := range tt.steps {
				cur, err := st.GetWebhook(context.Background(), user, w.ID) // read for the attempt, as a worker does
				if err != nil {
					t.Fatal(err)
				}
				got, err := h.Record(context.Background(), cur, s.ok, start.Add(s.at))
				if err != nil || got != s.wantDisabled {
					t.Fatalf("Record(ok=%v) at +%v: got %v, %v, want %v", s.ok, s.at, got, err, s.wantDisabled)
				}
			}
			last := tt.steps[len(tt.steps)-1]
			after, err := st.GetWebhook(context.Background(), user, w.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := after.Disabled(), last.wantDisabled; got != want {
				t.Errorf("disabled: got %v, want %v", got, want)
			}
			evs := eventsOf(t, st, user, keys.EventWebhookDisabled)
			if !last.wantDisabled {
				if len(evs) != 0 {
					t.Errorf("webhook.disabled events: got %d, want 0", len(evs))
				}
				return
			}
			if after.DisabledReason != webhooks.DisabledFailing || !after.DisabledAt.Equal(start.Add(last.at)) {
				t.Errorf("got disabled %v for %q, want at +%v for failing", after.DisabledAt, after.DisabledReason, last.at)
			}
			if len(evs) != 1 {
				t.Fatalf("webhook.disabled events: got %d, want 1", len(evs))
			}
			if got, want := evs[0].Actor.Operator, webhooks.HealthOperator; got != want {
				t.Errorf("actor: got %q, want %q", got, want)
			}
			if got := changesJSON(t, evs[0]); strings.Contains(got, "s3cret") || strings.Contains(got, "/x") || !strings.Contains(got, `"reason":"failing"`) {
				t.Errorf("changes: got %s, want the reason and the URL's origin only", got)
			}
		})
	}
}

// TestHealthDisablesOnceUnderConcurrency: concurrent failed attempts past
// the period disable the endpoint once, with one webhook.disabled event,
// which the user's other endpoint receives and the disabled one does not.
func TestHealthDisablesOnceUnderConcurrency(t *testing.T) {
	t.Parallel()
	e := newHealthEnv(t)
	seedUser(t, e.st, "alice", "")
	bad, good := newReceiver(t, http.StatusInternalServerError), newReceiver(t, http.StatusOK)
	dead := e.create(t, "alice", bad.URL+"/hook", "webhook.disabled")
	other := e.create(t, "alice", good.URL+"/hook", "webhook.disabled")
	e.pump(t) // the two webhook.created: neither endpoint subscribes
	h := webhooks.Health{Store: e.st, DisableAfter: testDisableAfter}
	start := e.clock.Now()
	if _, err := h.Record(context.Background(), e.get(t, dead), false, start); err != nil {
		t.Fatal(err)
	}
	failing := e.get(t, dead)
	const n = 8
	var wg sync.WaitGroup
	var disabled atomic.Int32
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := h.Record(context.Background(), failing, false, start.Add(testDisableAfter))
			if err != nil {
				t.Error(err)
			}
			if got {
				disabled.Add(1)
			}
		}()
	}
	wg.Wait()
	if got := disabled.Load(); got != 1 {
		t.Errorf("calls that disabled it: got %d, want 1 of %d", got, n)
	}
	if evs := eventsOf(t, e.st, "alice", keys.EventWebhookDisabled); len(evs) != 1 {
		t.Fatalf("webhook.disabled events: got %d, want 1", len(evs))
	}
	e.pump(t)
	if got := good.count(keys.EventWebhookDisabled); got != 1 {
		t.Errorf("the other endpoint got %d webhook.disabled, want 1 (%v)", got, good.requests())
	}
	if got := bad.requests(); len(got) != 0 {
		t.Errorf("the disabled endpoint got %v, want nothing", got)
	}
	ds, err := e.st.ListDeliveries(context.Background(), "alice", dead.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 1 || ds[0].Status != webhooks.StatusSkipped || ds[0].Attempts != 0 {
		t.Errorf("the disabled endpoint's log: got %+v, want one skipped delivery without attempts", ds)
	}
	if e.get(t, other).Disabled() {
		t.Error("the other endpoint is disabled too")
	}
}

// TestDeliveriesDisableSkipAndReenable drives today's Deliverer: attempts
// that fail for the period disable the endpoint (no attempt after that),
// its later deliveries are skipped, PATCH {"enabled":true} enables it
// (audited as webhook.updated) and a skipped delivery retried is
// delivered with its id.
func TestDeliveriesDisableSkipAndReenable(t *testing.T) {
	t.Parallel()
	e := newHealthEnv(t)
	seedUser(t, e.st, "alice", "")
	ctx := context.Background()
	bad, watcher := newReceiver(t, http.StatusServiceUnavailable), newReceiver(t, http.StatusOK)
	w := e.create(t, "alice", bad.URL+"/hook", "webhook.created", "webhook.disabled")
	e.pump(t) // its own webhook.created: 3 failed attempts at +0, +1 h, +2 h
	if got, want := len(bad.requests()), 3; got != want {
		t.Fatalf("attempts: got %d, want %d", got, want)
	}
	if got := e.get(t, w); got.Disabled() || !got.FailingSince.Equal(e.clock.Now().Add(-2*time.Hour)) {
		t.Fatalf("got %+v, want enabled, failing since the first attempt", got)
	}
	e.create(t, "alice", watcher.URL+"/hook", "webhook.disabled", "webhook.updated")
	e.pump(t) // its webhook.created: attempts at +2 h and +3 h, which disables w: no third
	if got, want := len(bad.requests()), 5; got != want {
		t.Errorf("attempts: got %d, want %d (none after the disabling one)", got, want)
	}
	got := e.get(t, w)
	if !got.Disabled() || got.DisabledReason != webhooks.DisabledFailing || !got.DisabledAt.Equal(e.clock.Now()) {
		t.Fatalf("got %+v, want disabled for failing, now", got)
	}
	if n := watcher.count(keys.EventWebhookDisabled); n != 1 {
		t.Errorf("the watcher got %d webhook.disabled, want 1", n)
	}
	if n := bad.count(keys.EventWebhookDisabled); n != 0 {
		t.Errorf("the disabled endpoint got %d webhook.disabled, want 0", n)
	}
	e.clock.advance(time.Minute)
	// Disabled: a new event is skipped, not attempted.
	e.create(t, "alice", "https://hooks.example.com/fourth", "key.created")
	e.pump(t)
	if got, want := len(bad.requests()), 5; got != want {
		t.Errorf("attempts while disabled: got %d, want still %d", got, want)
	}
	ds, err := e.st.ListDeliveries(ctx, "alice", w.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) == 0 || ds[0].Status != webhooks.StatusSkipped {
		t.Fatalf("newest delivery: got %+v, want skipped", ds)
	}
	skipped := ds[0]
	// A disabled endpoint's delivery cannot be retried.
	if _, err := e.svc.Retry(ctx, keyCaller("alice"), w.ID, skipped.ID); apperr.CodeOf(err) != apperr.Conflict {
		t.Errorf("retry while disabled: got %v, want Conflict", err)
	}
	// PATCH enables it, audited, clearing the health record.
	e.clock.advance(time.Minute)
	on := true
	up, err := e.svc.Update(ctx, keyCaller("alice"), w.ID, webhooks.UpdateInput{Enabled: &on})
	if err != nil {
		t.Fatal(err)
	}
	if up.Disabled() || !e.get(t, w).FailingSince.IsZero() || e.get(t, w).Disabled() {
		t.Errorf("after PATCH enabled: got %+v, want enabled with no failing streak", e.get(t, w))
	}
	upd := eventsOf(t, e.st, "alice", keys.EventWebhookUpdated)
	if len(upd) != 1 || changesJSON(t, upd[0]) != `{"enabled":{"from":false,"to":true},"webhookId":"`+w.ID+`"}` {
		t.Errorf("webhook.updated: got %+v, want enabled from false to true", upd)
	}
	// The receiver is back: the skipped delivery, retried, arrives with its id.
	bad.status.Store(http.StatusOK)
	before := len(bad.requests())
	if _, err := e.svc.Retry(ctx, keyCaller("alice"), w.ID, skipped.ID); err != nil {
		t.Fatalf("retry: %v", err)
	}
	e.pump(t)
	reqs := bad.requests()
	if len(reqs) != before+1 || reqs[len(reqs)-1] != "webhook.created "+skipped.ID {
		t.Errorf("after retry the receiver got %v, want one more: webhook.created %s", reqs[before:], skipped.ID)
	}
	after, err := e.st.FindDelivery(ctx, "alice", w.ID, skipped.ID)
	if err != nil || after.Status != webhooks.StatusDelivered || after.Attempts != 1 {
		t.Errorf("the retried delivery: got %+v, %v, want delivered in 1 attempt", after, err)
	}
}

// TestRetry: a dead-lettered delivery is sent again with its id and body,
// audited; a delivered or pending one is a Conflict; another user's, or an
// unknown one, is NotFound and writes nothing.
func TestRetry(t *testing.T) {
	t.Parallel()
	e := newHealthEnv(t)
	seedUser(t, e.st, "alice", "")
	seedUser(t, e.st, "mallory", "")
	ctx := context.Background()
	flaky := newReceiver(t, http.StatusInternalServerError)
	w := e.create(t, "alice", flaky.URL+"/hook", "webhook.created")
	mw := e.create(t, "mallory", "https://hooks.example.com/m", "key.created")
	e.pump(t) // w's own webhook.created: dead-lettered after 2 attempts
	ds, err := e.st.ListDeliveries(ctx, "alice", w.ID, 10)
	if err != nil || len(ds) != 1 || ds[0].Status != webhooks.StatusDeadLettered {
		t.Fatalf("got %+v, %v, want one dead-lettered delivery", ds, err)
	}
	dead := ds[0]
	firstBody := flaky.requests()[0]
	// A delivered one and a pending one, as the log holds them.
	delivered := webhooks.Delivery{ID: "whd_delivered", WebhookID: w.ID, UserID: "alice", Type: keys.EventWebhookCreated, EventID: "evt1",
		EventAt: e.clock.Now(), Status: webhooks.StatusDelivered, Attempts: 1, CreatedAt: e.clock.Now()}
	pending := delivered
	pending.ID, pending.EventID, pending.Status, pending.Attempts = "whd_pending", "evt2", webhooks.StatusRetrying, 1
	bodiless := delivered // as logged before bodies were kept
	bodiless.ID, bodiless.EventID, bodiless.Status = "whd_bodiless", "evt3", webhooks.StatusDeadLettered
	for _, d := range []webhooks.Delivery{delivered, pending, bodiless} {
		if err := e.st.PutDelivery(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name       string
		caller     keys.Caller
		webhookID  string
		deliveryID string
		want       apperr.Code
	}{
		{"another user's delivery through their endpoint id", keyCaller("mallory"), w.ID, dead.ID, apperr.NotFound},
		{"another user's delivery through one's own endpoint", keyCaller("mallory"), mw.ID, dead.ID, apperr.NotFound},
		{"an unknown delivery", keyCaller("alice"), w.ID, "whd_000000000000000000000000", apperr.NotFound},
		{"an unknown endpoint", keyCaller("alice"), "wh_nope", dead.ID, apperr.NotFound},
		{"a delivered one", keyCaller("alice"), w.ID, delivered.ID, apperr.Conflict},
		{"a pending one", keyCaller("alice"), w.ID, pending.ID, apperr.Conflict},
		{"a dead-lettered one logged without its body", keyCaller("alice"), w.ID, bodiless.ID, apperr.Conflict},
		{"a key without the webhook scope", keys.Caller{UserID: "alice", KeyID: "k", Scopes: []keys.Scope{keys.ScopeAdmin}}, w.ID, dead.ID, apperr.Forbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := scan(t, e.client, e.table)
			_, err := e.svc.Retry(ctx, tt.caller, tt.webhookID, tt.deliveryID)
			if got := apperr.CodeOf(err); got != tt.want {
				t.Errorf("got %v (%v), want %v", got, err, tt.want)
			}
			if after := scan(t, e.client, e.table); len(after) != len(before) {
				t.Errorf("items: got %d, want %d (nothing written)", len(after), len(before))
			}
		})
	}
	t.Run("a dead-lettered one", func(t *testing.T) {
		flaky.status.Store(http.StatusNoContent)
		n := len(flaky.requests())
		got, err := e.svc.Retry(ctx, keyCaller("alice"), w.ID, dead.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != dead.ID || got.Status != webhooks.StatusPending || got.Attempts != 0 {
			t.Errorf("got %+v, want %s pending with no attempts", got, dead.ID)
		}
		// Whatever delivers: the queue's fan-out makes of the replay the
		// task it made of the event, same delivery id, same body.
		var replay, event webhooks.Trigger
		for _, item := range scan(t, e.client, e.table) {
			switch tr, ok := store.Trigger(item); {
			case ok && tr.EventID == dead.EventID && tr.WebhookID == w.ID:
				replay = tr
			case ok && tr.EventID == dead.EventID:
				event = tr
			}
		}
		fromReplay, err := webhooks.Tasks(ctx, e.st, replay)
		if err != nil {
			t.Fatal(err)
		}
		fromEvent, err := webhooks.Tasks(ctx, e.st, event)
		if err != nil {
			t.Fatal(err)
		}
		if len(fromReplay) != 1 || len(fromEvent) != 1 || fromReplay[0] != fromEvent[0] || fromReplay[0].DeliveryID != dead.ID {
			t.Errorf("tasks: from the replay %+v, from the event %+v, want one, the same, %s", fromReplay, fromEvent, dead.ID)
		}
		// A second retry before it is attempted: it is pending now.
		if _, err := e.svc.Retry(ctx, keyCaller("alice"), w.ID, dead.ID); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("a second retry: got %v, want Conflict", err)
		}
		e.pump(t)
		reqs := flaky.requests()
		if len(reqs) != n+1 || reqs[n] != firstBody {
			t.Errorf("the receiver got %v, want one more %q (same type and id)", reqs[n:], firstBody)
		}
		after, err := e.st.FindDelivery(ctx, "alice", w.ID, dead.ID)
		if err != nil || after.Status != webhooks.StatusDelivered || after.Attempts != 1 {
			t.Errorf("got %+v, %v, want delivered in 1 attempt", after, err)
		}
		evs := eventsOf(t, e.st, "alice", keys.EventWebhookDeliveryRetried)
		if len(evs) != 1 {
			t.Fatalf("webhook.delivery_retried events: got %d, want 1", len(evs))
		}
		want := `{"deliveryId":"` + dead.ID + `","eventId":"` + dead.EventID + `","status":{"from":"deadLettered","to":"pending"},"type":"webhook.created","webhookId":"` + w.ID + `"}`
		if got := changesJSON(t, evs[0]); got != want {
			t.Errorf("changes:\n got %s\nwant %s", got, want)
		}
		if evs[0].Actor.KeyID != "key1alice" {
			t.Errorf("actor: got %+v, want alice's key", evs[0].Actor)
		}
	})
}

// TestReplayTrigger: a replay's stream image is a trigger for its one
// endpoint with the delivery's event and data; one missing a part, or with
// data that is not JSON, is none.
func TestReplayTrigger(t *testing.T) {
	t.Parallel()
	image := func(drop, data string) map[string]types.AttributeValue {
		m := map[string]types.AttributeValue{
			"pk": &types.AttributeValueMemberS{Value: "WHPING#alice"}, "sk": &types.AttributeValueMemberS{Value: "REPLAY#rpl_1"},
			"type": &types.AttributeValueMemberS{Value: "replay"}, "userId": &types.AttributeValueMemberS{Value: "alice"},
			"webhookId": &types.AttributeValueMemberS{Value: "wh_1"}, "eventId": &types.AttributeValueMemberS{Value: "evt1"},
			"eventType": &types.AttributeValueMemberS{Value: "key.created"}, "eventAt": &types.AttributeValueMemberN{Value: "1800000000000"},
			"data": &types.AttributeValueMemberS{Value: data},
		}
		delete(m, drop)
		return m
	}
	tests := []struct {
		name  string
		image map[string]types.AttributeValue
		want  bool
	}{
		{"complete", image("", `{"id":"evt1"}`), true},
		{"no endpoint", image("webhookId", `{}`), false},
		{"no event", image("eventId", `{}`), false},
		{"no type", image("eventType", `{}`), false},
		{"data not JSON", image("", `{"id":`), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := store.Trigger(tt.image)
			if ok != tt.want {
				t.Fatalf("ok: got %v, want %v (%+v)", ok, tt.want, got)
			}
			if !ok {
				return
			}
			if got.UserID != "alice" || got.WebhookID != "wh_1" || got.EventID != "evt1" || got.Type != keys.EventKeyCreated ||
				!got.At.Equal(time.UnixMilli(1_800_000_000_000)) {
				t.Errorf("got %+v, want alice's key.created evt1 to wh_1", got)
			}
			if b, _ := json.Marshal(got.Data); string(b) != `{"id":"evt1"}` {
				t.Errorf("data: got %s, want the stored JSON", b)
			}
		})
	}
}
