package lambdaenv_test

import (
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"keygate/shared/lambdaenv"
)

func TestLoad(t *testing.T) {
	tests := []struct {
		name      string
		env       map[string]string
		needTable bool
		want      lambdaenv.Base
		wantErr   bool
	}{
		{"defaults", map[string]string{"TABLE_NAME": "t"}, true, lambdaenv.Base{TableName: "t", LogLevel: slog.LevelInfo}, false},
		{"all set, trimmed", map[string]string{"TABLE_NAME": " t ", "DYNAMODB_ENDPOINT": " http://127.0.0.1:8000 ", "AWS_REGION": " eu-west-1 ", "LOG_LEVEL": " DEBUG "}, true,
			lambdaenv.Base{TableName: "t", DynamoDBEndpoint: "http://127.0.0.1:8000", Region: "eu-west-1", LogLevel: slog.LevelDebug}, false},
		{"no table needed", map[string]string{}, false, lambdaenv.Base{}, false},
		{"table missing", map[string]string{}, true, lambdaenv.Base{}, true},
		{"bad level", map[string]string{"LOG_LEVEL": "verbose"}, false, lambdaenv.Base{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := lambdaenv.Load(func(k string) string { return tt.env[k] }, tt.needTable)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err: got %v, want error=%v", err, tt.wantErr)
			}
			if err == nil && got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestLogRecordsCarryLambdaKeys: Lambda's log-level filtering of JSON logs
// reads "timestamp" and "level"; a WARN handler keeps warnings and errors.
func TestLogRecordsCarryLambdaKeys(t *testing.T) {
	var b strings.Builder
	logger := slog.New(lambdaenv.NewLogHandler(&b, slog.LevelWarn))
	logger.Info("dropped")
	logger.Warn("kept", "k", "v")
	logger.Error("kept too")
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d lines %q, want the warning and the error", len(lines), lines)
	}
	for i, want := range []string{"WARN", "ERROR"} {
		var rec map[string]any
		if err := json.Unmarshal([]byte(lines[i]), &rec); err != nil {
			t.Fatal(err)
		}
		ts, _ := rec["timestamp"].(string)
		if _, err := time.Parse(time.RFC3339Nano, ts); err != nil || rec["level"] != want || rec["time"] != nil {
			t.Errorf("line %d: got %v, want timestamp, level %s and no time", i, rec, want)
		}
	}
}
