package webhookdelivery_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/dev/dynamolocal"
	"keygate/dev/testkit/fntest"
	"keygate/dev/testkit/iamcheck"
	"keygate/functions/webhookdelivery"
	"keygate/shared/keys"
	"keygate/shared/store"
	"keygate/shared/webhooks"
)

func TestMain(m *testing.M) { dynamolocal.Main(m) }

// recordedDeadLetters counts what is dead-lettered.
type recordedDeadLetters struct {
	mu   sync.Mutex
	sent []webhooks.DeadLetter
}

func (d *recordedDeadLetters) Send(_ context.Context, l webhooks.DeadLetter) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.sent = append(d.sent, l)
	return nil
}

func (d *recordedDeadLetters) count() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.sent)
}

type noDeadLetters struct{ t *testing.T }

func (d noDeadLetters) Send(context.Context, webhooks.DeadLetter) error {
	d.t.Error("nothing should be dead-lettered")
	return nil
}

// streamEvent turns the table's items under pk prefixes into the INSERT
// records the stream would carry.
func streamEvent(tb testing.TB, client *dynamodb.Client, table string) events.DynamoDBEvent {
	tb.Helper()
	out, err := client.Scan(tb.Context(), &dynamodb.ScanInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true)})
	if err != nil {
		tb.Fatal(err)
	}
	var ev events.DynamoDBEvent
	for i, item := range out.Items {
		img := map[string]events.DynamoDBAttributeValue{}
		for k, v := range item {
			switch v := v.(type) {
			case *types.AttributeValueMemberS:
				img[k] = events.NewStringAttribute(v.Value)
			case *types.AttributeValueMemberN:
				img[k] = events.NewNumberAttribute(v.Value)
			}
		}
		ev.Records = append(ev.Records, events.DynamoDBEventRecord{EventName: "INSERT",
			Change: events.DynamoDBStreamRecord{NewImage: img, SequenceNumber: string(rune('a' + i))}})
	}
	return ev
}

// TestDeliversAndIsGranted hands the function the stream records of a key
// change and a ping (every other item of the table is in the batch too and
// must be skipped), and checks its DynamoDB requests against
// WebhookDeliveryFunction's statements.
func TestDeliversAndIsGranted(t *testing.T) {
	client, table := dynamolocal.NewTestTable(t)
	seed := store.New(client, table)
	fntest.Seed(t, seed, "alice", "ws1", keys.RoleOwner)
	var got atomic.Int32
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get(webhooks.HeaderSignature) == "" || r.Header.Get(webhooks.HeaderID) == "" {
			t.Error("a delivery without signature or id")
		}
		got.Add(1)
	}))
	t.Cleanup(recv.Close)
	// A second endpoint that always fails: it is disabled for it (its
	// webhook.disabled audit event is part of the function's grants).
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	t.Cleanup(down.Close)
	svc := webhooks.NewService(seed, webhooks.ServiceConfig{AllowLoopbackHTTP: true})
	op := keys.OperatorCaller("ops", "alice")
	w, err := svc.Create(t.Context(), op, webhooks.CreateInput{URL: recv.URL + "/hook", Events: []string{"key.created"}})
	if err != nil {
		t.Fatal(err)
	}
	failing, err := svc.Create(t.Context(), op, webhooks.CreateInput{URL: down.URL + "/hook", Events: []string{"key.created"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Test(t.Context(), op, w.ID); err != nil {
		t.Fatal(err)
	}
	ks, err := keys.NewService(seed, keys.Config{CursorKey: []byte("0123456789abcdef0123456789abcdef")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ks.Create(t.Context(), op, keys.CreateRequest{Name: "ci"}); err != nil {
		t.Fatal(err)
	}
	calls := &iamcheck.Recorder{}
	fnStore := store.New(calls.Client(client), table)
	dead := &recordedDeadLetters{}
	f := webhookdelivery.New(webhooks.NewDeliverer(fnStore, dead, webhooks.DeliverConfig{AllowLoopback: true,
		Backoff: []time.Duration{time.Millisecond}, DisableAfter: time.Millisecond}), nil)
	ev := streamEvent(t, client, table)
	resp, err := f.Handle(t.Context(), ev)
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("got %+v, %v", resp, err)
	}
	if n := got.Load(); n != 2 {
		t.Errorf("the receiver got %d deliveries, want the ping and the key.created", n)
	}
	if got, err := seed.GetWebhook(t.Context(), "alice", failing.ID); err != nil || !got.Disabled() {
		t.Errorf("the failing endpoint: got %+v, %v; want it disabled", got, err)
	}
	if n := dead.count(); n != 1 {
		t.Errorf("dead letters: got %d, want the disabled endpoint's one", n)
	}
	// The same batch again (a stream retry): nothing is sent twice.
	if _, err := f.Handle(t.Context(), ev); err != nil {
		t.Fatal(err)
	}
	if n := got.Load(); n != 2 {
		t.Errorf("after a redelivered batch the receiver got %d, want still 2", n)
	}
	statements := iamcheck.Statements(t, "WebhookDeliveryFunction")
	reqs := calls.Take()
	iamcheck.AssertAllowed(t, statements, "WebhookDeliveryFunction", reqs)
	iamcheck.AssertAllUsed(t, statements, "WebhookDeliveryFunction", reqs, map[string]string{
		"ReadStream":  "Lambda's event-source mapping reads the stream with the function's role, not its code",
		"ListStreams": "the same: the mapping's poller; DynamoDB does not scope ListStreams to a stream",
	})
}
