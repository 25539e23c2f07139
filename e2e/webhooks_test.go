package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"keygate/dev/samtemplate"
	"keygate/dev/testkit/wait"
	"keygate/shared/keys"
	"keygate/shared/webhooks"
)

// webhookFixture is a stack with deliveries running, a user with a key of
// every scope, a Node receiver and one endpoint registered on it.
type webhookFixture struct {
	s        *stack
	srv      server
	token    string
	recv     *nodeReceiver
	hookID   string
	secret   string
	queues   *deliveryQueues
	lastSeen int
}

func newWebhookFixture(t *testing.T, cfg webhooks.DeliverConfig) *webhookFixture {
	t.Helper()
	return newWebhookFixtureWith(t, func(s *stack) *deliveryQueues { return s.deliveries(t, cfg) })
}

// newWebhookFixtureWith is newWebhookFixture with the deliveries start
// builds.
func newWebhookFixtureWith(t *testing.T, start func(*stack) *deliveryQueues) *webhookFixture {
	t.Helper()
	nodeModules(t)
	f := &webhookFixture{s: newStack(t), recv: startReceiver(t)}
	f.s.user(t, "alice", map[string]keys.Role{"ws1": keys.RoleOwner})
	f.token = f.s.key(t, "alice")
	f.srv = f.s.gateway(t, nil)
	f.queues = start(f.s)
	resp := f.srv.do(t, "POST", "/open/webhooks", f.token, `{"url":"`+f.recv.url+`/hook","events":["key.created","key.updated","key.rotated","key.revoked"],"description":"ci"}`)
	if resp.status != http.StatusCreated {
		t.Fatalf("create webhook: %d %s", resp.status, resp.body)
	}
	var created struct {
		ID     string `json:"id"`
		Secret string `json:"secret"`
	}
	resp.decode(t, &created)
	f.hookID, f.secret = created.ID, created.Secret
	f.s.tokens = append(f.s.tokens, created.Secret) // never in a log line
	f.recv.set(t, "ok", f.secret)
	return f
}

// changeKeys makes one key go through created, updated, rotated (which
// logs key.rotated and the new key's key.created) and revoked, through the
// API: five audit events.
func (f *webhookFixture) changeKeys(t *testing.T, name string) {
	t.Helper()
	var k struct {
		ID string `json:"id"`
	}
	resp := f.srv.do(t, "POST", "/open/apikeys", f.token, `{"name":`+jsonString(name)+`,"scopes":["read"]}`)
	if resp.status != http.StatusCreated {
		t.Fatalf("create key: %d %s", resp.status, resp.body)
	}
	resp.decode(t, &k)
	if r := f.srv.do(t, "PATCH", "/open/apikeys/"+k.ID, f.token, `{"name":"renamed"}`); r.status != http.StatusOK {
		t.Fatalf("rename: %d %s", r.status, r.body)
	}
	var rotated struct {
		ID string `json:"id"`
	}
	r := f.srv.do(t, "POST", "/open/apikeys/"+k.ID+"/rotate", f.token, `{}`)
	if r.status != http.StatusCreated {
		t.Fatalf("rotate: %d %s", r.status, r.body)
	}
	r.decode(t, &rotated)
	if r := f.srv.do(t, "DELETE", "/open/apikeys/"+rotated.ID, f.token, ""); r.status != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
}

// seen describes what the receiver got and the dead letters read so far,
// for a wait's failure message (cheap: it is built at every check).
func (f *webhookFixture) seen() string {
	var got []string
	for _, r := range f.recv.all() {
		got = append(got, fmt.Sprintf("%s %s %d verified=%v", r.ID, r.Type, r.Status, r.Verified))
	}
	f.queues.mu.Lock()
	defer f.queues.mu.Unlock()
	return fmt.Sprintf("received %v; dead letters read %d", got, len(f.queues.dead))
}

// logsOnFailure prints the stack's logs at the end of a failed test.
func (f *webhookFixture) logsOnFailure(t *testing.T) {
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the stack's logs:\n%s", f.s.logs.String())
		}
	})
}

// verified waits until the receiver has verified n distinct deliveries.
func (f *webhookFixture) verified(t *testing.T, timeout time.Duration, n int) {
	t.Helper()
	wait.Eventually(t, timeout, func() (bool, string) {
		got := len(distinctVerified(f.recv.all()))
		return got == n, fmt.Sprintf("%d verified deliveries, want %d; %s", got, n, f.seen())
	})
}

func jsonString(s string) string { b, _ := json.Marshal(s); return string(b) }

type deliveryLog struct {
	Deliveries []struct {
		ID        string  `json:"id"`
		Type      string  `json:"type"`
		Status    string  `json:"status"`
		Attempts  int     `json:"attempts"`
		LastError *string `json:"lastError"`
	} `json:"deliveries"`
}

func (f *webhookFixture) log(t *testing.T) deliveryLog {
	t.Helper()
	var l deliveryLog
	resp := f.srv.do(t, "GET", "/open/webhooks/"+f.hookID+"/deliveries", f.token, "")
	if resp.status != http.StatusOK {
		t.Fatalf("deliveries: %d %s", resp.status, resp.body)
	}
	resp.decode(t, &l)
	return l
}

// distinctVerified counts the distinct delivery ids the receiver verified
// and answered 200.
func distinctVerified(got []received) map[string]received {
	out := map[string]received{}
	for _, r := range got {
		if r.Verified && r.Status == 200 {
			out[r.ID] = r
		}
	}
	return out
}

func TestWebhookDeliveries(t *testing.T) {
	f := newWebhookFixture(t, webhooks.DeliverConfig{})
	// A name JSON.stringify and encoding/json's defaults would write
	// differently (TestWebhookBodyIsStringifyExact covers U+2028 and more).
	f.changeKeys(t, "deploy <prod> & \"stage\" é 🔑")
	resp := f.srv.do(t, "POST", "/open/webhooks/"+f.hookID+"/test", f.token, "")
	if resp.status != http.StatusAccepted {
		t.Fatalf("test: %d %s", resp.status, resp.body)
	}
	var ping struct {
		DeliveryID string `json:"deliveryId"`
	}
	resp.decode(t, &ping)
	f.logsOnFailure(t)
	f.verified(t, 60*time.Second, 6)

	got := f.recv.all()
	t.Run("every delivery verifies as spec 003 does, on a body JSON.stringify writes unchanged", func(t *testing.T) {
		for _, r := range got {
			if !r.Verified || !r.Canonical {
				t.Errorf("delivery %s (%s): verified %v, canonical %v", r.ID, r.Type, r.Verified, r.Canonical)
			}
		}
	})
	t.Run("the event types arrive", func(t *testing.T) {
		count := map[string]int{}
		for _, r := range distinctVerified(got) {
			count[r.Type]++
		}
		want := map[string]int{"key.created": 2, "key.updated": 1, "key.rotated": 1, "key.revoked": 1, "ping": 1}
		for typ, n := range want {
			if count[typ] != n {
				t.Errorf("%s: got %d, want %d (all: %v)", typ, count[typ], n, count)
			}
		}
		if _, ok := distinctVerified(got)[ping.DeliveryID]; !ok {
			t.Errorf("the ping's delivery %s was not received", ping.DeliveryID)
		}
	})
	t.Run("the delivery log says delivered, with the ids the receiver saw", func(t *testing.T) {
		// The log is written after the receiver's answer: wait for it.
		var l deliveryLog
		wait.Eventually(t, 10*time.Second, func() (bool, string) {
			l = f.log(t)
			done := 0
			for _, d := range l.Deliveries {
				if d.Status == "delivered" {
					done++
				}
			}
			return done == 6, fmt.Sprintf("%d of %d logged deliveries delivered, want 6", done, len(l.Deliveries))
		})
		for _, d := range l.Deliveries {
			if d.Status != "delivered" || d.Attempts < 1 {
				t.Errorf("delivery %s: %s after %d attempts", d.ID, d.Status, d.Attempts)
			}
			if _, ok := distinctVerified(got)[d.ID]; !ok {
				t.Errorf("delivery %s is not one the receiver got", d.ID)
			}
		}
	})
	t.Run("the secret is never listed", func(t *testing.T) {
		for _, path := range []string{"/open/webhooks", "/open/webhooks/" + f.hookID, "/open/webhooks/" + f.hookID + "/deliveries"} {
			if r := f.srv.do(t, "GET", path, f.token, ""); strings.Contains(r.body, f.secret) || strings.Contains(r.body, `"secret"`) {
				t.Errorf("GET %s shows the secret: %s", path, r.body)
			}
		}
	})
}

// testClock skips the waits of the retry schedule: the worker asks the
// queue to hold a task back for QueueDelay(d), which advances the clock by
// d at once and holds the task back not at all, and calls onAdvance — so
// the day-long schedule runs through the real queue in seconds, and a test
// can bring a receiver back after a minute of retries without waiting for
// it.
type testClock struct {
	mu        sync.Mutex
	now       time.Time
	onAdvance func(elapsed time.Duration)
	start     time.Time
}

func newTestClock() *testClock {
	now := time.Now()
	return &testClock{now: now, start: now}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) QueueDelay(d time.Duration) time.Duration {
	c.mu.Lock()
	c.now = c.now.Add(d)
	elapsed, f := c.now.Sub(c.start), c.onAdvance
	c.mu.Unlock()
	if f != nil {
		f(elapsed)
	}
	return 0
}

// elapsed is how far the clock has moved.
func (c *testClock) elapsed() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now.Sub(c.start)
}

func TestWebhookReceiverDownForAMinute(t *testing.T) {
	clock := newTestClock()
	f := newWebhookFixture(t, webhooks.DeliverConfig{Clock: clock})
	f.recv.set(t, "down", f.secret)
	var once sync.Once
	clock.mu.Lock()
	clock.onAdvance = func(elapsed time.Duration) {
		if elapsed >= time.Minute {
			once.Do(func() { f.recv.set(t, "ok", f.secret) })
		}
	}
	clock.mu.Unlock()
	f.changeKeys(t, "during the outage")
	f.verified(t, 30*time.Second, 5) // after the receiver came back
	got := f.recv.all()
	first503 := int64(-1)
	for _, r := range got {
		if ts := atoi(r.Timestamp); r.Status == 503 && (first503 < 0 || ts < first503) {
			first503 = ts
		}
	}
	if first503 < 0 {
		t.Fatal("the receiver never answered 503: the outage was not exercised")
	}
	refused := map[string]bool{}
	for _, r := range got {
		if r.Status == 503 {
			refused[r.ID] = true
		}
	}
	for id, r := range distinctVerified(got) {
		if refused[id] && atoi(r.Timestamp)-first503 < 60 {
			t.Errorf("delivery %s was accepted %d s into a 60 s outage", id, atoi(r.Timestamp)-first503)
		}
	}
	// The log is written after the receiver's answer: wait for it.
	wait.Eventually(t, 10*time.Second, func() (bool, string) {
		l := f.log(t)
		if len(l.Deliveries) != 5 {
			return false, fmt.Sprintf("got %d deliveries in the log, want 5", len(l.Deliveries))
		}
		for _, d := range l.Deliveries {
			if d.Status != "delivered" || (refused[d.ID] && d.Attempts < 2) {
				return false, fmt.Sprintf("delivery %s: %s after %d attempts", d.ID, d.Status, d.Attempts)
			}
		}
		return true, ""
	})
	if n := len(f.queues.deadLetters(t)); n != 0 {
		t.Errorf("%d dead letters, want none: no event is lost", n)
	}
}

func atoi(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

// TestWebhookDeadLetters: a receiver that always fails gets the delivery's
// eight attempts, with one id, over the documented 27 h 35 min 5 s
// schedule (RetrySchedule, run through the real queue under an injected
// clock in seconds); then the delivery is deadLettered in the user's log
// and its dead letter is in WebhookDeadLetterQueue, without the secret.
func TestWebhookDeadLetters(t *testing.T) {
	clock := newTestClock()
	f := newWebhookFixture(t, webhooks.DeliverConfig{Clock: clock})
	f.recv.set(t, "error", f.secret)
	resp := f.srv.do(t, "POST", "/open/webhooks/"+f.hookID+"/test", f.token, "")
	var ping struct {
		DeliveryID string `json:"deliveryId"`
	}
	resp.decode(t, &ping)
	wait.Eventually(t, 60*time.Second, func() (bool, string) {
		return len(f.queues.deadLetters(t)) == 1, "no dead letter yet, want one; " + f.seen()
	})
	d := f.queues.deadLetters(t)[0]
	attempts := len(webhooks.RetrySchedule) + 1
	if d.DeliveryID != ping.DeliveryID || d.Attempts != attempts || d.LastError != "status 500" || d.Body == "" {
		t.Errorf("dead letter %+v, want %s after %d attempts", d, ping.DeliveryID, attempts)
	}
	if strings.Contains(d.Body, f.secret) {
		t.Error("the dead letter holds the secret")
	}
	wait.Eventually(t, 5*time.Second, func() (bool, string) {
		l := f.log(t)
		return len(l.Deliveries) == 1 && l.Deliveries[0].Status == "deadLettered" && l.Deliveries[0].Attempts == attempts,
			fmt.Sprintf("delivery log %+v, want one deadLettered after %d attempts", l.Deliveries, attempts)
	})
	got := f.recv.all()
	if len(got) != attempts {
		t.Errorf("the receiver got %d attempts, want %d", len(got), attempts)
	}
	for i, r := range got {
		if r.ID != ping.DeliveryID {
			t.Errorf("attempt %d: delivery id %q, want %q on every attempt", i+1, r.ID, ping.DeliveryID)
		}
	}
	// The clock moves by every wait the worker asks of the queue: the
	// schedule's, and the few seconds of a next attempt that arrived
	// before the log had recorded the attempt before it.
	if want, elapsed := 27*time.Hour+35*time.Minute+5*time.Second, clock.elapsed(); elapsed < want || elapsed > want+time.Minute {
		t.Errorf("the attempts spanned %v of the clock, want the schedule's %v (and at most a minute of waits for the log)", elapsed, want)
	}
	if len(got) == attempts {
		first, last := atoi(got[0].Timestamp), atoi(got[attempts-1].Timestamp)
		if span := time.Duration(last-first) * time.Second; span < 27*time.Hour+35*time.Minute {
			t.Errorf("first to last attempt's X-Webhook-Timestamp: %v, want the schedule's 27 h 35 min", span)
		}
	}
}

func TestWebhookSlowReceiverIsRetried(t *testing.T) {
	// The first attempt gets no answer at all, so it ends at the timeout
	// whatever the machine's load; the second has all of it to answer.
	f := newWebhookFixture(t, webhooks.DeliverConfig{Clock: newTestClock(), AttemptTimeout: 3 * time.Second})
	f.recv.set(t, "hang-once", f.secret)
	f.srv.do(t, "POST", "/open/webhooks/"+f.hookID+"/test", f.token, "")
	wait.Eventually(t, 30*time.Second, func() (bool, string) {
		l := f.log(t)
		return len(l.Deliveries) == 1 && l.Deliveries[0].Status == "delivered",
			fmt.Sprintf("delivery log %+v, want the retried delivery delivered", l.Deliveries)
	})
	l := f.log(t)
	if d := l.Deliveries[0]; d.Attempts != 2 {
		t.Errorf("delivered after %d attempts, want 2 (the first timed out)", d.Attempts)
	}
	if got := f.recv.all(); len(got) != 2 || got[0].Mode != "hang-once" {
		t.Errorf("the receiver got %+v, want the unanswered attempt and its retry", got)
	}
}

// TestWebhookWorkerKilledMidAttempt: the worker's invocation ends (its
// timeout, as a Lambda instance that dies) while the receiver has the
// request and has not answered. Nothing is lost: the message comes back
// after the queue's visibility timeout (shortened here to 2 s), the
// delivery is made again with the same id, and the log says delivered.
func TestWebhookWorkerKilledMidAttempt(t *testing.T) {
	f := newWebhookFixtureWith(t, func(s *stack) *deliveryQueues {
		return s.deliveriesWith(t, webhooks.DeliverConfig{AttemptTimeout: 10 * time.Second}, 2*time.Second, func(q map[string]samtemplate.SQSQueue) {
			dq := q["WebhookDeliveryQueue"]
			dq.VisibilityTimeout = 2
			q["WebhookDeliveryQueue"] = dq
		})
	})
	f.logsOnFailure(t)
	f.recv.set(t, "hang-once", f.secret)
	var ping struct {
		DeliveryID string `json:"deliveryId"`
	}
	f.srv.do(t, "POST", "/open/webhooks/"+f.hookID+"/test", f.token, "").decode(t, &ping)
	wait.Eventually(t, 30*time.Second, func() (bool, string) {
		l := f.log(t)
		return len(l.Deliveries) == 1 && l.Deliveries[0].Status == "delivered",
			fmt.Sprintf("delivery log %+v, want the delivery delivered after the killed attempt; %s", l.Deliveries, f.seen())
	})
	got := f.recv.all()
	if len(got) != 2 || got[0].Mode != "hang-once" || got[0].ID != ping.DeliveryID || got[1].ID != ping.DeliveryID || !got[1].Verified {
		t.Errorf("the receiver got %+v, want the killed attempt and the verified one after it, both %s", got, ping.DeliveryID)
	}
	if n := len(f.queues.deadLetters(t)); n != 0 {
		t.Errorf("%d dead letters, want none", n)
	}
}

// TestWebhookBodyIsStringifyExact checks, with node, that every body the
// Deliverer writes is what JSON.stringify writes for its own parse, so spec
// 003's verification over JSON.stringify(req.body) signs the same bytes.
func TestWebhookBodyIsStringifyExact(t *testing.T) {
	node := interpreter(t, "apt-get install -y nodejs", []string{"--version"}, "node")
	datas := []any{
		map[string]any{"name": "a<b>&c", "quote": `"'\`, "ls": "\u2028\u2029", "ctl": "\x01\x1f\t\n\b\f\r\x7f", "emoji": "🔑é", "n": 12345678901, "f": 0.5, "neg": -3, "lit": `\u0008 \u003c`},
		// An audit event: its own MarshalJSON escapes "<" as encoding/json does.
		keys.Event{ID: "evt", Type: keys.EventKeyCreated, At: time.Unix(1_800_000_000, 0), UserID: "alice", KeyID: "k1",
			Changes: map[string]any{"name": map[string]any{"to": "<prod> & \"x\""}}},
		map[string]string{"webhookId": "wh_abc"},
		[]any{nil, true, false, map[string]any{}, []any{}},
	}
	for i, d := range datas {
		body, err := webhooks.Body("whd_0", "ping", time.Unix(1_800_000_000, 123_000_000), d)
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.CommandContext(t.Context(), node, "-e", `let s="";process.stdin.on("data",c=>s+=c).on("end",()=>process.exit(JSON.stringify(JSON.parse(s))===s?0:1))`)
		cmd.Stdin = strings.NewReader(string(body))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("body %d: JSON.stringify(JSON.parse(body)) !== body: %v %s\n%s", i, err, out, body)
		}
	}
}
