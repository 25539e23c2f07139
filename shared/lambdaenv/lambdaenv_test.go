package lambdaenv_test

import (
	"log/slog"
	"testing"

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
