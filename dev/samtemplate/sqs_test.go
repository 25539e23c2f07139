package samtemplate_test

import (
	"path/filepath"
	"reflect"
	"testing"

	"keygate/dev/samtemplate"
)

func TestLoadSQS(t *testing.T) {
	tests := []struct {
		name      string
		overrides map[string]string
		mappings  []samtemplate.SQSMapping
	}{
		{"defaults", nil, []samtemplate.SQSMapping{
			{ID: "PlainMapping", FunctionID: "PlainFn", QueueID: "Other", BatchSize: 10},
			{ID: "WorkerFn.Deliveries", FunctionID: "WorkerFn", QueueID: "Work", BatchSize: 20, MaximumBatchingWindowInSeconds: 1,
				ReportBatchItemFailures: true, MaximumConcurrency: 5, Enabled: true},
		}},
		{"a parameter sets the concurrency", map[string]string{"Concurrency": "2"}, []samtemplate.SQSMapping{
			{ID: "PlainMapping", FunctionID: "PlainFn", QueueID: "Other", BatchSize: 10},
			{ID: "WorkerFn.Deliveries", FunctionID: "WorkerFn", QueueID: "Work", BatchSize: 20, MaximumBatchingWindowInSeconds: 1,
				ReportBatchItemFailures: true, MaximumConcurrency: 2, Enabled: true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tpl, err := samtemplate.Load(filepath.Join("testdata", "sqs.yaml"), tt.overrides)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(tpl.SQSMappings, tt.mappings) {
				t.Errorf("SQSMappings:\n got %+v\nwant %+v", tpl.SQSMappings, tt.mappings)
			}
			wantQueues := map[string]samtemplate.SQSQueue{
				"Work":    {ID: "Work", VisibilityTimeout: 90, DeadLetterQueueID: "WorkDlq", MaxReceiveCount: 4},
				"WorkDlq": {ID: "WorkDlq", MessageRetentionPeriod: 1209600},
				"Other":   {ID: "Other"},
			}
			if !reflect.DeepEqual(tpl.SQSQueues, wantQueues) {
				t.Errorf("SQSQueues:\n got %+v\nwant %+v", tpl.SQSQueues, wantQueues)
			}
		})
	}
}
