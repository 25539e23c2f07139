package webhookdelivery_test

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"keygate/dev/dynamolocal"
	"keygate/dev/sqslocal"
	"keygate/dev/testkit/fntest"
	"keygate/dev/testkit/iamcheck"
	"keygate/functions/webhookdelivery"
	"keygate/shared/deliveryqueue"
	"keygate/shared/keys"
	"keygate/shared/store"
	"keygate/shared/webhooks"
)

func TestMain(m *testing.M) { os.Exit(dynamolocal.Run(func() int { return sqslocal.Run(m.Run) })) }

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

// fanOutFixture is alice with three endpoints — two want key.created, one
// only key.revoked — on receivers that must never be called (the fan-out
// makes no HTTP request), a test ping to the first, and a key created: the
// stream's records of it all.
type fanOutFixture struct {
	client  *dynamodb.Client
	table   string
	wants   []string // the endpoints that want key.created
	pinged  string
	queue   sqslocal.TestQueue
	records events.DynamoDBEvent
}

func newFanOutFixture(t *testing.T) *fanOutFixture {
	client, table := dynamolocal.NewTestTable(t)
	seed := store.New(client, table)
	fntest.Seed(t, seed, "alice", "ws1", keys.RoleOwner)
	never := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		t.Error("the fan-out made an HTTP request to a receiver")
	}))
	t.Cleanup(never.Close)
	svc := webhooks.NewService(seed, webhooks.ServiceConfig{AllowLoopbackHTTP: true})
	op := keys.OperatorCaller("ops", "alice")
	f := &fanOutFixture{client: client, table: table, queue: sqslocal.NewTestQueue(t, sqslocal.QueueOptions{MaxReceiveCount: -1})}
	for _, events := range [][]string{{"key.created"}, {"key.created", "key.revoked"}, {"key.revoked"}} {
		w, err := svc.Create(t.Context(), op, webhooks.CreateInput{URL: never.URL + "/hook", Events: events})
		if err != nil {
			t.Fatal(err)
		}
		if slices.Contains(events, "key.created") {
			f.wants = append(f.wants, w.ID)
		}
	}
	f.pinged = f.wants[0]
	if _, err := svc.Test(t.Context(), op, f.pinged); err != nil {
		t.Fatal(err)
	}
	ks, err := keys.NewService(seed, keys.Config{CursorKey: []byte("0123456789abcdef0123456789abcdef")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ks.Create(t.Context(), op, keys.CreateRequest{Name: "ci"}); err != nil {
		t.Fatal(err)
	}
	f.records = streamEvent(t, client, table)
	return f
}

// queued receives every task on the queue (and deletes it).
func (f *fanOutFixture) queued(t *testing.T) []webhooks.Task {
	t.Helper()
	var tasks []webhooks.Task
	for {
		out, err := f.queue.Client.ReceiveMessage(t.Context(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(f.queue.URL), MaxNumberOfMessages: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Messages) == 0 {
			return tasks
		}
		for _, m := range out.Messages {
			task, err := webhooks.DecodeTask(aws.ToString(m.Body))
			if err != nil {
				t.Fatalf("queued message %q: %v", aws.ToString(m.Body), err)
			}
			tasks = append(tasks, task)
			if _, err := f.queue.Client.DeleteMessage(t.Context(), &sqs.DeleteMessageInput{QueueUrl: aws.String(f.queue.URL), ReceiptHandle: m.ReceiptHandle}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestFanOutQueuesOneTaskPerEndpointAndIsGranted hands the function the
// stream records of a key change and a ping (every other item of the table
// is in the batch too and must be skipped): one task per endpoint that
// wants each event is queued, each with its delivery id and signed body,
// no receiver is called, and its DynamoDB and SQS requests are within
// WebhookDeliveryFunction's statements.
func TestFanOutQueuesOneTaskPerEndpointAndIsGranted(t *testing.T) {
	f := newFanOutFixture(t)
	calls := &iamcheck.Recorder{}
	sqsClient := calls.SQSClient(f.queue.Client, map[string]string{f.queue.URL: "WebhookDeliveryQueue"})
	fn := webhookdelivery.New(store.New(calls.Client(f.client), f.table), deliveryqueue.Queue{API: sqsClient, URL: f.queue.URL}, nil)
	resp, err := fn.Handle(t.Context(), f.records)
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("got %+v, %v; want every record queued", resp, err)
	}
	got := map[string]bool{}
	for _, task := range f.queued(t) {
		got[string(task.Type)+" "+task.WebhookID] = true
		if task.DeliveryID != webhooks.DeliveryID(task.WebhookID, task.EventID) || !strings.Contains(task.Body, `"id":"`+task.DeliveryID+`"`) {
			t.Errorf("task %+v: want its delivery id, in its body", task)
		}
	}
	want := map[string]bool{"ping " + f.pinged: true, "key.created " + f.wants[0]: true, "key.created " + f.wants[1]: true}
	if !maps.Equal(got, want) {
		t.Errorf("queued: got %v, want %v", got, want)
	}
	statements := iamcheck.Statements(t, "WebhookDeliveryFunction")
	reqs := calls.Take()
	iamcheck.AssertAllowed(t, statements, "WebhookDeliveryFunction", reqs)
	iamcheck.AssertAllUsed(t, statements, "WebhookDeliveryFunction", reqs, map[string]string{
		"ReadStream":     "Lambda's event-source mapping reads the stream with the function's role, not its code",
		"ListStreams":    "the same: the mapping's poller; DynamoDB does not scope ListStreams to a stream",
		"StreamFailures": "the mapping's on-failure destination, sent by Lambda with the function's role",
	})
}

// TestFanOutReportsTheRecordItCouldNotQueue: with the queue unreachable the
// function reports the first record that has a task to queue (records
// before it wanted none: the endpoints' own audit events), so the stream
// retries from it and nothing is lost.
func TestFanOutReportsTheRecordItCouldNotQueue(t *testing.T) {
	f := newFanOutFixture(t)
	gone := f.queue.URL + "-deleted"
	fn := webhookdelivery.New(store.New(f.client, f.table), deliveryqueue.Queue{API: f.queue.Client, URL: gone}, nil)
	resp, err := fn.Handle(t.Context(), f.records)
	if err != nil {
		t.Fatal(err)
	}
	var first string
	for _, r := range f.records.Records {
		trigger, ok := store.Trigger(store.FromStreamImage(r.Change.NewImage))
		if !ok {
			continue
		}
		if tasks, err := webhooks.Tasks(t.Context(), store.New(f.client, f.table), trigger); err != nil || len(tasks) > 0 {
			first = r.Change.SequenceNumber
			break
		}
	}
	if first == "" || len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != first {
		t.Errorf("got %+v, want the first trigger record %q reported", resp.BatchItemFailures, first)
	}
}
