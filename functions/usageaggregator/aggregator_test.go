package usageaggregator_test

import (
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"keygate/dev/dynamolocal"
	"keygate/dev/testkit/iamcheck"
	"keygate/functions/usageaggregator"
	"keygate/shared/keys"
	"keygate/shared/store"
)

func TestMain(m *testing.M) { dynamolocal.Main(m) }

// TestSampleEventRecordsOneUse runs events/usageaggregator-key-created-and-used.json
// (a key inserted with usageCount 0, then used once) through the function,
// twice as Lambda may deliver it, and checks the use is in its hour and day
// once, with every call granted by the template's statements.
func TestSampleEventRecordsOneUse(t *testing.T) {
	client, table := dynamolocal.NewTestTable(t)
	raw, err := os.ReadFile("../../events/usageaggregator-key-created-and-used.json")
	if err != nil {
		t.Fatal(err)
	}
	var ev events.DynamoDBEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	calls := &iamcheck.Recorder{}
	st := store.New(calls.Client(client), table)
	fn := usageaggregator.New(st, 90*24*time.Hour, nil)
	for range 2 {
		if resp, err := fn.Handle(t.Context(), ev); err != nil || len(resp.BatchItemFailures) != 0 {
			t.Fatalf("got %+v, %v; want the batch recorded", resp, err)
		}
	}
	statements := iamcheck.Statements(t, "UsageAggregatorFunction")
	reqs := calls.Take()
	used := time.UnixMilli(1795521600000).UTC()
	for _, g := range []keys.Granularity{keys.Hourly, keys.Daily} {
		got, err := st.UsageBuckets(t.Context(), "AbC123dEf456GhI7", g, used.Add(-24*time.Hour), used.Add(24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Count != 1 {
			t.Errorf("%s buckets: got %+v, want one with the one use", g, got)
		}
	}
	iamcheck.AssertAllowed(t, statements, "UsageAggregatorFunction", reqs)
	iamcheck.AssertAllUsed(t, statements, "UsageAggregatorFunction", reqs, map[string]string{
		"ReadStream":  "Lambda's event-source mapping reads the stream with the function's role, not its code",
		"ListStreams": "the same: the mapping's poller; DynamoDB does not scope ListStreams to a stream",
	})
}
