package sqslocal

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"keygate/dev/samtemplate"
	"keygate/dev/testkit/wait"
)

func TestMain(m *testing.M) { Main(m) }

func TestStartServesAndStopEndsTheProcess(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := Start(ctx, Options{Region: "eu-west-1", AccountID: "123456789012"})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	q, err := CreateQueue(ctx, NewClient(s.Endpoint()), "started", QueueOptions{})
	if err != nil {
		t.Fatalf("CreateQueue: %v", err)
	}
	if want := "arn:aws:sqs:eu-west-1:123456789012:started"; q.ARN != want {
		t.Errorf("ARN: got %q, want %q", q.ARN, want)
	}
	pid := s.PID()
	if err := s.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	select {
	case <-s.Done():
	default:
		t.Fatal("Done not closed after Stop")
	}
	if err := syscall.Kill(pid, 0); err == nil {
		t.Errorf("process %d still exists after Stop", pid)
	}
	if _, err := os.Stat(s.dir); !os.IsNotExist(err) {
		t.Errorf("config folder %s after Stop: got %v, want it removed", s.dir, err)
	}
	if err := s.Stop(); err != nil {
		t.Errorf("second Stop: got %v, want nil", err)
	}
}

// receive long-polls up to wait seconds for at most max messages.
func receive(tb testing.TB, client *sqs.Client, url string, max, wait int32) []types.Message {
	tb.Helper()
	out, err := client.ReceiveMessage(tb.Context(), &sqs.ReceiveMessageInput{
		QueueUrl: aws.String(url), MaxNumberOfMessages: max, WaitTimeSeconds: wait,
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAll},
		MessageAttributeNames:       []string{"All"},
	})
	if err != nil {
		tb.Fatalf("ReceiveMessage: %v", err)
	}
	return out.Messages
}

func send(tb testing.TB, client *sqs.Client, url, body string) string {
	tb.Helper()
	out, err := client.SendMessage(tb.Context(), &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(body),
		MessageAttributes: map[string]types.MessageAttributeValue{"kind": {DataType: aws.String("String"), StringValue: aws.String("test")}}})
	if err != nil {
		tb.Fatalf("SendMessage: %v", err)
	}
	return aws.ToString(out.MessageId)
}

func bodies(ms []types.Message) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = aws.ToString(m.Body)
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name   string
		bodies []string
	}{
		{"one message", []string{`{"delivery":"d1"}`}},
		{"a batch", []string{"a", "b", "c"}},
		{"unicode", []string{"é ✓ 🚀"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := NewTestQueue(t, QueueOptions{})
			ids := map[string]string{}
			for _, b := range tt.bodies {
				ids[send(t, q.Client, q.URL, b)] = b
			}
			got := receive(t, q.Client, q.URL, 10, 1)
			if len(got) != len(tt.bodies) {
				t.Fatalf("received %q, want %q", bodies(got), tt.bodies)
			}
			for _, m := range got {
				if want := ids[aws.ToString(m.MessageId)]; aws.ToString(m.Body) != want {
					t.Errorf("message %s: got body %q, want %q", aws.ToString(m.MessageId), aws.ToString(m.Body), want)
				}
				if aws.ToString(m.ReceiptHandle) == "" {
					t.Errorf("message %s: no receipt handle", aws.ToString(m.MessageId))
				}
				if got := aws.ToString(m.MessageAttributes["kind"].StringValue); got != "test" {
					t.Errorf("message attribute kind: got %q, want %q", got, "test")
				}
				if _, err := q.Client.DeleteMessage(t.Context(), &sqs.DeleteMessageInput{QueueUrl: aws.String(q.URL), ReceiptHandle: m.ReceiptHandle}); err != nil {
					t.Fatalf("DeleteMessage: %v", err)
				}
			}
			if got := count(t, q.Client, q.URL); got != "0/0" {
				t.Errorf("messages/in flight after delete: got %s, want 0/0", got)
			}
		})
	}
}

// count reports the queue's ApproximateNumberOfMessages and
// ApproximateNumberOfMessagesNotVisible as "all/in flight" (goaws counts the
// messages in flight in the first too).
func count(tb testing.TB, client *sqs.Client, url string) string {
	tb.Helper()
	out, err := client.GetQueueAttributes(tb.Context(), &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url),
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameApproximateNumberOfMessages, types.QueueAttributeNameApproximateNumberOfMessagesNotVisible}})
	if err != nil {
		tb.Fatalf("GetQueueAttributes: %v", err)
	}
	return out.Attributes["ApproximateNumberOfMessages"] + "/" + out.Attributes["ApproximateNumberOfMessagesNotVisible"]
}

// TestVisibility: a received message stays hidden until its visibility
// timeout ends or ChangeMessageVisibility changes it.
func TestVisibility(t *testing.T) {
	tests := []struct {
		name string
		// change is the visibility (seconds) the first message is changed
		// to once received; -1 leaves it.
		change int32
		// wantBack: the first message comes back (the second, left at the
		// queue's 1 s, always does).
		wantBack bool
	}{
		{"the timeout ends", -1, true},
		{"changed to 0: visible at once", 0, true},
		{"extended: stays hidden after the queue's timeout", 60, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q := NewTestQueue(t, QueueOptions{VisibilityTimeout: 1, MaxReceiveCount: -1})
			send(t, q.Client, q.URL, "first")
			got := receive(t, q.Client, q.URL, 1, 1)
			if len(got) != 1 {
				t.Fatalf("received %q, want [first]", bodies(got))
			}
			first := got[0]
			send(t, q.Client, q.URL, "second")
			if got := receive(t, q.Client, q.URL, 1, 1); len(got) != 1 || aws.ToString(got[0].Body) != "second" {
				t.Fatalf("received %q, want [second]: the first is hidden", bodies(got))
			}
			if got := receive(t, q.Client, q.URL, 10, 0); len(got) != 0 {
				t.Fatalf("received %q at once, want nothing: both are hidden", bodies(got))
			}
			if tt.change >= 0 {
				if _, err := q.Client.ChangeMessageVisibility(t.Context(), &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(q.URL),
					ReceiptHandle: first.ReceiptHandle, VisibilityTimeout: tt.change}); err != nil {
					t.Fatalf("ChangeMessageVisibility: %v", err)
				}
			}
			var seen []string
			want := "second"
			if tt.wantBack {
				want = "first and second"
			}
			wait.Eventually(t, 10*time.Second, func() (bool, string) {
				seen = append(seen, bodies(receive(t, q.Client, q.URL, 10, 0))...)
				return strings.Contains(strings.Join(seen, ","), "second") && (!tt.wantBack || strings.Contains(strings.Join(seen, ","), "first")),
					fmt.Sprintf("received %q, want %s back", seen, want)
			})
			if !tt.wantBack && strings.Contains(strings.Join(seen, ","), "first") {
				t.Errorf("received %q: the extended message came back", seen)
			}
		})
	}
}

// TestRedrive: a message received maxReceiveCount times and never deleted
// moves to the dead-letter queue.
func TestRedrive(t *testing.T) {
	tests := []struct {
		name            string
		maxReceiveCount int
	}{
		{"after one receive", 1},
		{"after two receives", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q := NewTestQueue(t, QueueOptions{VisibilityTimeout: 1, MaxReceiveCount: tt.maxReceiveCount})
			id := send(t, q.Client, q.URL, "poison")
			receives := 0
			var inDLQ []types.Message
			wait.Eventually(t, 15*time.Second, func() (bool, string) {
				receives += len(receive(t, q.Client, q.URL, 10, 0))
				inDLQ = append(inDLQ, receive(t, q.Client, q.DeadLetterURL, 10, 0)...)
				return len(inDLQ) > 0, fmt.Sprintf("received %d times, dead-letter queue empty", receives)
			})
			if receives != tt.maxReceiveCount {
				t.Errorf("receives before the redrive: got %d, want %d", receives, tt.maxReceiveCount)
			}
			if len(inDLQ) != 1 || aws.ToString(inDLQ[0].MessageId) != id || aws.ToString(inDLQ[0].Body) != "poison" {
				t.Errorf("dead-letter queue: got %d messages %q, want the one sent (%s)", len(inDLQ), bodies(inDLQ), id)
			}
			if got := count(t, q.Client, q.URL); got != "0/0" {
				t.Errorf("source queue messages/in flight: got %s, want 0/0", got)
			}
		})
	}
}

// TestGoawsReceiveAttributes pins what goaws v0.5.4 returns as a message's
// system attributes (see the package doc): if an upgrade changes it, the
// doc and the consumers that work around it need a look.
func TestGoawsReceiveAttributes(t *testing.T) {
	q := NewTestQueue(t, QueueOptions{VisibilityTimeout: 1, MaxReceiveCount: -1})
	send(t, q.Client, q.URL, "counted")
	var counts []string
	wait.Eventually(t, 15*time.Second, func() (bool, string) {
		for _, m := range receive(t, q.Client, q.URL, 1, 0) {
			counts = append(counts, m.Attributes["ApproximateReceiveCount"])
			for _, a := range []string{"SentTimestamp", "ApproximateFirstReceiveTimestamp", "SenderId"} {
				if m.Attributes[a] == "" {
					t.Errorf("attribute %s missing: got %v", a, m.Attributes)
				}
			}
		}
		return len(counts) >= 2, fmt.Sprintf("ApproximateReceiveCount of the receives so far: %v", counts)
	})
	if want := []string{"1", "1"}; strings.Join(counts, ",") != strings.Join(want, ",") {
		t.Errorf("ApproximateReceiveCount on two receives: got %v, want goaws v0.5.4's %v (SQS says 1, 2: update the package doc)", counts, want)
	}
}

func TestCreateTemplateQueues(t *testing.T) {
	client := NewTestClient(t)
	prefix := NewTestQueue(t, QueueOptions{MaxReceiveCount: -1}).Name // a unique name
	tests := []struct {
		name   string
		queues map[string]samtemplate.SQSQueue
		want   map[string]string // logical ID -> its attributes, "visibility redrive"
	}{
		{"a queue and its dead-letter queue", map[string]samtemplate.SQSQueue{
			"Work":    {ID: "Work", VisibilityTimeout: 90, DeadLetterQueueID: "WorkDlq", MaxReceiveCount: 4},
			"WorkDlq": {ID: "WorkDlq", MessageRetentionPeriod: 1209600},
		}, map[string]string{
			"Work":    `90 {"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:` + prefix + `-a-WorkDlq","maxReceiveCount":4}`,
			"WorkDlq": "30 ",
		}},
		{"a lone queue", map[string]samtemplate.SQSQueue{"Q": {ID: "Q"}}, map[string]string{"Q": "30 "}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := prefix + "-" + string(rune('a'+i))
			got, err := CreateTemplateQueues(t.Context(), client, tt.queues, p)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				for _, q := range got {
					_, _ = client.DeleteQueue(context.Background(), &sqs.DeleteQueueInput{QueueUrl: aws.String(q.URL)})
				}
			})
			for id, want := range tt.want {
				q, ok := got[id]
				if !ok {
					t.Fatalf("queue %s: not created (got %v)", id, got)
				}
				if wantARN := "arn:aws:sqs:us-east-1:000000000000:" + p + "-" + id; q.ARN != wantARN {
					t.Errorf("queue %s ARN: got %q, want %q", id, q.ARN, wantARN)
				}
				out, err := client.GetQueueAttributes(t.Context(), &sqs.GetQueueAttributesInput{QueueUrl: aws.String(q.URL),
					AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameAll}})
				if err != nil {
					t.Fatal(err)
				}
				rp := out.Attributes["RedrivePolicy"]
				if rp != "" {
					var policy struct {
						Target string `json:"deadLetterTargetArn"`
						Max    any    `json:"maxReceiveCount"`
					}
					if err := json.Unmarshal([]byte(rp), &policy); err != nil {
						t.Fatalf("RedrivePolicy %q: %v", rp, err)
					}
					rp = fmt.Sprintf(`{"deadLetterTargetArn":%q,"maxReceiveCount":%v}`, policy.Target, policy.Max)
				}
				if got := out.Attributes["VisibilityTimeout"] + " " + rp; got != want {
					t.Errorf("queue %s: got %q, want %q", id, got, want)
				}
			}
		})
	}
}

// TestLongPoll: a receive waits for a message sent while it waits, and a
// queue's own ReceiveMessageWaitTimeSeconds does not make a receive wait
// (the proxy drops it; goaws would wait holding the proxy's lock).
func TestLongPoll(t *testing.T) {
	tests := []struct {
		name      string
		queueWait string // the queue's ReceiveMessageWaitTimeSeconds; "" for none
		wait      int32  // the receive's WaitTimeSeconds
		sendAfter bool   // send while the receive waits
		want      int    // messages received
	}{
		{"a message sent while it waits", "", 5, true, 1},
		{"nothing: back after the wait", "", 1, false, 0},
		{"the queue's wait is dropped", "20", 0, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q := NewTestQueue(t, QueueOptions{MaxReceiveCount: -1})
			if tt.queueWait != "" {
				if _, err := q.Client.SetQueueAttributes(t.Context(), &sqs.SetQueueAttributesInput{QueueUrl: aws.String(q.URL),
					Attributes: map[string]string{"ReceiveMessageWaitTimeSeconds": tt.queueWait}}); err != nil {
					t.Fatal(err)
				}
			}
			done := make(chan []types.Message, 1)
			go func() {
				out, err := q.Client.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(q.URL), WaitTimeSeconds: tt.wait})
				if err != nil {
					t.Error(err)
				}
				if out == nil {
					out = &sqs.ReceiveMessageOutput{}
				}
				done <- out.Messages
			}()
			if tt.sendAfter {
				send(t, q.Client, q.URL, "late")
			}
			select {
			case got := <-done:
				if len(got) != tt.want {
					t.Errorf("received %q, want %d messages", bodies(got), tt.want)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("the receive did not return within 10 s")
			}
		})
	}
}
