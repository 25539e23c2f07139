package streams

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/dev/dynamolocal"
	"keygate/dev/samtemplate"
	"keygate/dev/testkit/wait"
)

func TestMain(m *testing.M) { dynamolocal.Main(m) }

const auditFilter = `{"eventName":["INSERT"],"dynamodb":{"Keys":{"pk":{"S":[{"prefix":"AUDIT#"}]}}}}`

func TestFilter(t *testing.T) {
	f, err := ParseFilter(auditFilter)
	if err != nil {
		t.Fatal(err)
	}
	rec := func(name, pk string) map[string]any {
		return map[string]any{"eventName": name, "dynamodb": map[string]any{"Keys": map[string]any{"pk": map[string]any{"S": pk}}}}
	}
	for _, tt := range []struct {
		name   string
		record map[string]any
		want   bool
	}{
		{"an inserted audit event", rec("INSERT", "AUDIT#alice"), true},
		{"a modified audit event", rec("MODIFY", "AUDIT#alice"), false},
		{"an inserted key", rec("INSERT", "KEY#k1"), false},
		{"no keys", map[string]any{"eventName": "INSERT"}, false},
	} {
		if got := f.Match(tt.record); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
	for _, bad := range []string{`{"eventName":"INSERT"}`, `{"eventName":[{"anything-but":["x"]}]}`, `[`} {
		if _, err := ParseFilter(bad); err == nil {
			t.Errorf("ParseFilter(%s): got nil error, want the emulation to refuse it", bad)
		}
	}
}

// TestPoller writes items to a table with a stream and checks that the
// handler gets exactly the inserts the filter passes, in the Lambda event
// shape, and a record it reports failed again.
func TestPoller(t *testing.T) {
	client, table := dynamolocal.NewTestTable(t)
	dynamolocal.EnableStream(t, client, table)
	var mu sync.Mutex
	var got []string
	failedOnce := false
	handler := func(_ context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
		mu.Lock()
		defer mu.Unlock()
		for _, r := range ev.Records {
			sk := r.Change.NewImage["sk"].String()
			if sk == "fail-once" && !failedOnce {
				failedOnce = true
				return events.DynamoDBEventResponse{BatchItemFailures: []events.DynamoDBBatchItemFailure{{ItemIdentifier: r.Change.SequenceNumber}}}, nil
			}
			got = append(got, r.EventName+" "+r.Change.Keys["pk"].String()+" "+sk)
		}
		return events.DynamoDBEventResponse{}, nil
	}
	p, err := Start(t.Context(), Options{Endpoint: dynamolocal.Endpoint(t), Table: table, Handler: handler, RetryWait: 50 * time.Millisecond,
		Interval: 20 * time.Millisecond, Mapping: samtemplate.StreamMapping{BatchSize: 10, MaximumRetryAttempts: 3, ReportBatchItemFailures: true, Filters: []string{auditFilter}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Stop)
	put := func(pk, sk string) {
		if _, err := client.PutItem(t.Context(), &dynamodb.PutItemInput{TableName: aws.String(table),
			Item: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: pk}, "sk": &types.AttributeValueMemberS{Value: sk}}}); err != nil {
			t.Fatal(err)
		}
	}
	put("AUDIT#alice", "e1")
	put("KEY#k1", "KEY")
	put("AUDIT#alice", "e1") // the same item again: a MODIFY
	put("AUDIT#bob", "fail-once")
	put("AUDIT#bob", "e2")
	want := []string{"INSERT AUDIT#alice e1", "INSERT AUDIT#bob fail-once", "INSERT AUDIT#bob e2"}
	wait.Eventually(t, 20*time.Second, func() (bool, string) {
		mu.Lock()
		defer mu.Unlock()
		return len(got) >= len(want), fmt.Sprintf("got %v, want %v", got, want)
	})
	mu.Lock()
	defer mu.Unlock()
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("record %d: got %q, want %q", i, got[i], want[i])
		}
	}
	if !failedOnce {
		t.Error("the failed record was never reported")
	}
}
