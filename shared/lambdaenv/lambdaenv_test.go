package lambdaenv_test

import (
	"encoding/json"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"keygate/shared/keys"
	"keygate/shared/lambdaenv"
)

// cursorKey is a CURSOR_KEY long enough to be accepted.
const cursorKey = "0123456789abcdef0123456789abcdef"

// with returns base plus the name/value pairs kv.
func with(base map[string]string, kv ...string) map[string]string {
	m := make(map[string]string, len(base)+len(kv)/2)
	for k, v := range base {
		m[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// readers are the settings' readers by the Lambda that uses them; each
// returns the settings as any.
var readers = map[string]func(lambdaenv.Env) (any, error){
	"Authorizer":      func(e lambdaenv.Env) (any, error) { return e.Authorizer() },
	"APIKeys":         func(e lambdaenv.Env) (any, error) { return e.APIKeys() },
	"TableFunction":   func(e lambdaenv.Env) (any, error) { return e.TableFunction() },
	"Webhooks":        func(e lambdaenv.Env) (any, error) { return e.Webhooks() },
	"WebhookDelivery": func(e lambdaenv.Env) (any, error) { return e.WebhookDelivery() },
	"WebhookWorker":   func(e lambdaenv.Env) (any, error) { return e.WebhookWorker() },
	"UsageAggregator": func(e lambdaenv.Env) (any, error) { return e.UsageAggregator() },
	"ConfigFunction":  func(e lambdaenv.Env) (any, error) { return e.ConfigFunction() },
}

// read runs the named reader on env.
func read(tb testing.TB, reader string, env map[string]string) (any, error) {
	tb.Helper()
	r, ok := readers[reader]
	if !ok {
		tb.Fatalf("no reader %q", reader)
	}
	return r(lambdaenv.Map(env))
}

func TestDefaults(t *testing.T) {
	table := lambdaenv.DynamoDB{Table: "t"}
	fn := lambdaenv.TableFunction{LogLevel: slog.LevelInfo, DynamoDB: table, AllowOrigin: "*"}
	tests := []struct {
		reader string
		env    map[string]string
		want   any
	}{
		{"TableFunction", map[string]string{"TABLE_NAME": "t"}, fn},
		{"APIKeys", map[string]string{"TABLE_NAME": "t", "CURSOR_KEY": cursorKey}, lambdaenv.APIKeys{TableFunction: fn, KeyPrefix: "sk",
			CursorKey: []byte(cursorKey), AuthorizerCacheTTL: time.Hour, AuditRetention: keys.DefaultAuditRetention, Limits: keys.DefaultLimits}},
		{"Webhooks", map[string]string{"TABLE_NAME": "t"}, lambdaenv.Webhooks{TableFunction: fn, AuditRetention: keys.DefaultAuditRetention}},
		{"WebhookDelivery", map[string]string{"TABLE_NAME": "t", "DELIVERY_QUEUE_URL": "q"}, lambdaenv.WebhookDelivery{DynamoDB: table, DeliveryQueueURL: "q"}},
		{"WebhookWorker", map[string]string{"TABLE_NAME": "t", "DELIVERY_QUEUE_URL": "q", "DEAD_LETTER_QUEUE_URL": "d"},
			lambdaenv.WebhookWorker{DynamoDB: table, DeliveryQueueURL: "q", DeadLetterQueueURL: "d", AuditRetention: keys.DefaultAuditRetention, Concurrency: 50}},
		{"Authorizer", map[string]string{"TABLE_NAME": "t"}, lambdaenv.Authorizer{DynamoDB: table, KeyPrefix: "sk", AuthorizerCacheTTL: time.Hour}},
		{"UsageAggregator", map[string]string{"TABLE_NAME": "t"}, lambdaenv.UsageAggregator{DynamoDB: table, Retention: lambdaenv.DefaultUsageRetention}},
		{"ConfigFunction", nil, lambdaenv.ConfigFunction{AllowOrigin: "*", Global: lambdaenv.GlobalConfig{ServerTimezone: "UTC",
			AuthProvider: []string{}, AIContextWindow: 16000}}},
	}
	for _, tt := range tests {
		t.Run(tt.reader, func(t *testing.T) {
			got, err := read(t, tt.reader, tt.env)
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestValues(t *testing.T) {
	aws := map[string]string{"AWS_REGION": " eu-west-1 ", "AWS_DEFAULT_REGION": "us-east-2", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
		"AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "token"}
	wantAWS := lambdaenv.AWS{Region: "eu-west-1", AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret", SessionToken: "token"}
	table := with(aws, "TABLE_NAME", " t ", "DYNAMODB_ENDPOINT", " http://127.0.0.1:8000 ", "LOG_LEVEL", " DEBUG ")
	wantTable := lambdaenv.DynamoDB{Table: "t", Endpoint: "http://127.0.0.1:8000"}
	fn := lambdaenv.TableFunction{LogLevel: slog.LevelDebug, AWS: wantAWS, DynamoDB: wantTable, AllowOrigin: "https://app.example.com"}
	rate := keys.RateLimit{Limit: 100, Window: time.Second, Burst: 200}
	quota := keys.Quota{Limit: 10000, Period: keys.QuotaDay}
	tests := []struct {
		reader string
		env    map[string]string
		want   any
	}{
		{"TableFunction", with(table, "CORS_ALLOW_ORIGIN", " https://app.example.com "), fn},
		{"APIKeys", with(table, "CORS_ALLOW_ORIGIN", "https://app.example.com", "KEY_PREFIX", " tj ", "CURSOR_KEY", " "+cursorKey+" ",
			"AUTHORIZER_CACHE_TTL", " 300 ", "AUDIT_RETENTION_DAYS", " 7 ", "MAX_RATE_LIMIT", "500", "MAX_BURST", "1000", "MAX_QUOTA", "20000",
			"DEFAULT_RATE_LIMIT", "100/s:200", "DEFAULT_QUOTA", "10000/day"),
			lambdaenv.APIKeys{TableFunction: fn, KeyPrefix: "tj", CursorKey: []byte(cursorKey), AuthorizerCacheTTL: 300 * time.Second,
				AuditRetention: 7 * 24 * time.Hour, Limits: keys.Limits{MaxRatePerSecond: 500, MaxBurst: 1000, MaxQuota: 20000, DefaultRate: &rate, DefaultQuota: &quota}}},
		{"Webhooks", with(table, "CORS_ALLOW_ORIGIN", "https://app.example.com", "WEBHOOK_ALLOW_LOOPBACK", "TRUE", "AUDIT_RETENTION_DAYS", "30"),
			lambdaenv.Webhooks{TableFunction: fn, AllowLoopback: true, AuditRetention: 30 * 24 * time.Hour}},
		{"WebhookDelivery", with(table, "DELIVERY_QUEUE_URL", " https://sqs.eu-west-1.amazonaws.com/123456789012/deliveries ", "SQS_ENDPOINT", " http://127.0.0.1:4100 "),
			lambdaenv.WebhookDelivery{LogLevel: slog.LevelDebug, AWS: wantAWS, DynamoDB: wantTable,
				DeliveryQueueURL: "https://sqs.eu-west-1.amazonaws.com/123456789012/deliveries", SQSEndpoint: "http://127.0.0.1:4100"}},
		{"WebhookWorker", with(table, "DELIVERY_QUEUE_URL", "https://sqs.eu-west-1.amazonaws.com/123456789012/deliveries",
			"DEAD_LETTER_QUEUE_URL", " https://sqs.eu-west-1.amazonaws.com/123456789012/dlq ", "WEBHOOK_ALLOW_LOOPBACK", "1", "AUDIT_RETENTION_DAYS", "30",
			"WORKER_CONCURRENCY", " 200 "),
			lambdaenv.WebhookWorker{LogLevel: slog.LevelDebug, AWS: wantAWS, DynamoDB: wantTable,
				DeliveryQueueURL:   "https://sqs.eu-west-1.amazonaws.com/123456789012/deliveries",
				DeadLetterQueueURL: "https://sqs.eu-west-1.amazonaws.com/123456789012/dlq", AllowLoopback: true, AuditRetention: 30 * 24 * time.Hour,
				Concurrency: 200}},
		{"Authorizer", with(table, "KEY_PREFIX", "tj", "AUTHORIZER_CACHE_TTL", "0", "USAGE_KEY_OPEN", " o ", "USAGE_KEY_THROTTLED", "th",
			"USAGE_KEY_EXHAUSTED", "ex", "UPSTREAM_URL", " https://api.example.com/base ", "ASSERTION_ISSUER", "https://id.example.com",
			"ASSERTION_LIFETIME", "120", "SIGNING_KEY_SECRET", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:k"),
			lambdaenv.Authorizer{LogLevel: slog.LevelDebug, AWS: wantAWS, DynamoDB: wantTable, KeyPrefix: "tj",
				UsageKeys: lambdaenv.UsageKeys{Open: "o", Throttled: "th", Exhausted: "ex"},
				Upstream: lambdaenv.Upstream{URL: "https://api.example.com/base", Issuer: "https://id.example.com", Lifetime: 2 * time.Minute,
					SigningKeySecret: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:k"}}},
		{"ConfigFunction", map[string]string{
			"LOG_LEVEL": "warn", "CORS_ALLOW_ORIGIN": "https://app.example.com",
			"ALLOW_REGISTER": "true", "WEBSITE_ID": " site-1 ", "AMAP_TOKEN": "amap", "MAPBOX_TOKEN": "mapbox",
			"ALPHA_MODE": "1", "DISABLE_ANONYMOUS_TELEMETRY": "TRUE", "CUSTOM_TRACKER_SCRIPT_NAME": "t.js",
			"SERVER_TIMEZONE": "Asia/Shanghai", "AUTH_PROVIDER": "email, github,,custom ",
			"CUSTOM_AUTH_PROVIDER_ICON": "https://x/icon.png", "SMTP_AVAILABLE": "true", "ENABLE_BILLING": "false",
			"AI_ENABLE": "true", "AI_CONTEXT_WINDOW": "128000", "ENABLE_FUNCTION_WORKER": "true",
			"OBSERVABILITY_TIANJI_BASE_URL": "https://tianji.example.com", "OBSERVABILITY_TIANJI_WEBSITE_ID": "obs-1",
		}, lambdaenv.ConfigFunction{LogLevel: slog.LevelWarn, AllowOrigin: "https://app.example.com", Global: lambdaenv.GlobalConfig{
			AllowRegister: true, WebsiteID: "site-1", AmapToken: "amap", MapboxToken: "mapbox", AlphaMode: true,
			DisableAnonymousTelemetry: true, CustomTrackerScriptName: "t.js", ServerTimezone: "Asia/Shanghai",
			AuthProvider: []string{"email", "github", "custom"}, CustomAuthProviderIcon: "https://x/icon.png", SMTPAvailable: true,
			AIEnable: true, AIContextWindow: 128000, EnableFunctionWorker: true, TianjiBaseURL: "https://tianji.example.com",
			TianjiWebsiteID: "obs-1"}}},
	}
	for _, tt := range tests {
		t.Run(tt.reader, func(t *testing.T) {
			got, err := read(t, tt.reader, tt.env)
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// TestBadValues: a bad value stops the start with an error that names its
// variable.
func TestBadValues(t *testing.T) {
	table := map[string]string{"TABLE_NAME": "t"}
	apikeys := with(table, "CURSOR_KEY", cursorKey)
	upstream := with(table, "UPSTREAM_URL", "https://api.example.com", "SIGNING_KEY_FILE", "/data/k.json")
	tests := []struct {
		name, reader string
		env          map[string]string
		wantVar      string
	}{
		{"table missing, TableFunction", "TableFunction", nil, "TABLE_NAME"},
		{"table missing, APIKeys", "APIKeys", map[string]string{"CURSOR_KEY": cursorKey}, "TABLE_NAME"},
		{"table missing, Webhooks", "Webhooks", nil, "TABLE_NAME"},
		{"table missing, WebhookDelivery", "WebhookDelivery", nil, "TABLE_NAME"},
		{"table missing, Authorizer", "Authorizer", nil, "TABLE_NAME"},
		{"table missing, UsageAggregator", "UsageAggregator", nil, "TABLE_NAME"},
		{"retention, UsageAggregator", "UsageAggregator", with(table, "USAGE_RETENTION_DAYS", "0"), "USAGE_RETENTION_DAYS"},
		{"table blank", "TableFunction", map[string]string{"TABLE_NAME": "  "}, "TABLE_NAME"},
		{"log level", "TableFunction", with(table, "LOG_LEVEL", "verbose"), "LOG_LEVEL"},
		{"log level, WebhookDelivery", "WebhookDelivery", with(table, "LOG_LEVEL", "loud"), "LOG_LEVEL"},
		{"log level, Authorizer", "Authorizer", with(table, "LOG_LEVEL", "loud"), "LOG_LEVEL"},
		{"log level, ConfigFunction", "ConfigFunction", map[string]string{"LOG_LEVEL": "chatty"}, "LOG_LEVEL"},
		{"two origins", "TableFunction", with(table, "CORS_ALLOW_ORIGIN", "https://a, https://b"), "CORS_ALLOW_ORIGIN"},
		{"origin with newline", "ConfigFunction", map[string]string{"CORS_ALLOW_ORIGIN": "https://a\r\nX: y"}, "CORS_ALLOW_ORIGIN"},
		{"prefix, APIKeys", "APIKeys", with(apikeys, "KEY_PREFIX", "Bad_Prefix"), "KEY_PREFIX"},
		{"prefix, Authorizer", "Authorizer", with(table, "KEY_PREFIX", "sk_"), "KEY_PREFIX"},
		{"prefix too long", "Authorizer", with(table, "KEY_PREFIX", "abcdefghijklmnopq"), "KEY_PREFIX"},
		{"cache TTL not a number", "Authorizer", with(table, "AUTHORIZER_CACHE_TTL", "soon"), "AUTHORIZER_CACHE_TTL"},
		{"cache TTL negative", "APIKeys", with(apikeys, "AUTHORIZER_CACHE_TTL", "-1"), "AUTHORIZER_CACHE_TTL"},
		{"cache TTL too long", "APIKeys", with(apikeys, "AUTHORIZER_CACHE_TTL", "3601"), "AUTHORIZER_CACHE_TTL"},
		{"cursor key missing", "APIKeys", table, "CURSOR_KEY"},
		{"cursor key too short", "APIKeys", with(table, "CURSOR_KEY", "short"), "CURSOR_KEY"},
		{"retention zero", "APIKeys", with(apikeys, "AUDIT_RETENTION_DAYS", "0"), "AUDIT_RETENTION_DAYS"},
		{"retention not a number", "Webhooks", with(table, "AUDIT_RETENTION_DAYS", "week"), "AUDIT_RETENTION_DAYS"},
		{"max rate", "APIKeys", with(apikeys, "MAX_RATE_LIMIT", "fast"), "MAX_RATE_LIMIT"},
		{"max rate zero", "APIKeys", with(apikeys, "MAX_RATE_LIMIT", "0"), "MAX_RATE_LIMIT"},
		{"max burst", "APIKeys", with(apikeys, "MAX_BURST", "-5"), "MAX_BURST"},
		{"max quota", "APIKeys", with(apikeys, "MAX_QUOTA", "lots"), "MAX_QUOTA"},
		{"default rate", "APIKeys", with(apikeys, "DEFAULT_RATE_LIMIT", "100 per second"), "DEFAULT_RATE_LIMIT"},
		{"default rate above the cap", "APIKeys", with(apikeys, "MAX_RATE_LIMIT", "10", "DEFAULT_RATE_LIMIT", "100/s"), "DEFAULT_RATE_LIMIT"},
		{"default burst", "APIKeys", with(apikeys, "DEFAULT_RATE_LIMIT", "100/s:lots"), "DEFAULT_RATE_LIMIT"},
		{"default quota", "APIKeys", with(apikeys, "DEFAULT_QUOTA", "10000/week"), "DEFAULT_QUOTA"},
		{"default quota above the cap", "APIKeys", with(apikeys, "MAX_QUOTA", "10", "DEFAULT_QUOTA", "100/day"), "DEFAULT_QUOTA"},
		{"one usage key", "Authorizer", with(table, "USAGE_KEY_OPEN", "o"), "USAGE_KEY_THROTTLED"},
		{"two usage keys", "Authorizer", with(table, "USAGE_KEY_OPEN", "o", "USAGE_KEY_THROTTLED", "t"), "USAGE_KEY_EXHAUSTED"},
		{"upstream not a URL", "Authorizer", with(upstream, "UPSTREAM_URL", "upstream.example.com"), "UPSTREAM_URL"},
		{"upstream ftp", "Authorizer", with(upstream, "UPSTREAM_URL", "ftp://upstream.example.com"), "UPSTREAM_URL"},
		{"lifetime too short", "Authorizer", with(upstream, "ASSERTION_LIFETIME", "59"), "ASSERTION_LIFETIME"},
		{"lifetime too long", "Authorizer", with(upstream, "ASSERTION_LIFETIME", "3661"), "ASSERTION_LIFETIME"},
		{"lifetime not a number", "Authorizer", with(upstream, "ASSERTION_LIFETIME", "6m"), "ASSERTION_LIFETIME"},
		{"no key source", "Authorizer", with(upstream, "SIGNING_KEY_FILE", ""), "SIGNING_KEY_SECRET"},
		{"two key sources", "Authorizer", with(upstream, "SIGNING_KEY_SECRET", "arn:aws:secretsmanager:us-east-1:123456789012:secret:k"), "SIGNING_KEY_FILE"},
		{"loopback, Webhooks", "Webhooks", with(table, "WEBHOOK_ALLOW_LOOPBACK", "yes"), "WEBHOOK_ALLOW_LOOPBACK"},
		{"loopback, WebhookWorker", "WebhookWorker", with(table, "DELIVERY_QUEUE_URL", "q", "DEAD_LETTER_QUEUE_URL", "d", "WEBHOOK_ALLOW_LOOPBACK", "on"), "WEBHOOK_ALLOW_LOOPBACK"},
		{"delivery queue missing, WebhookDelivery", "WebhookDelivery", table, "DELIVERY_QUEUE_URL"},
		{"dead-letter queue missing, WebhookWorker", "WebhookWorker", with(table, "DELIVERY_QUEUE_URL", "q"), "DEAD_LETTER_QUEUE_URL"},
		{"bool", "ConfigFunction", map[string]string{"ALLOW_REGISTER": "yes please"}, "ALLOW_REGISTER"},
		{"another bool", "ConfigFunction", map[string]string{"AI_ENABLE": "enabled"}, "AI_ENABLE"},
		{"int", "ConfigFunction", map[string]string{"AI_CONTEXT_WINDOW": "big"}, "AI_CONTEXT_WINDOW"},
		{"negative int", "ConfigFunction", map[string]string{"AI_CONTEXT_WINDOW": "-1"}, "AI_CONTEXT_WINDOW"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := read(t, tt.reader, tt.env)
			if err == nil || !strings.Contains(err.Error(), tt.wantVar) {
				t.Errorf("got %v, want an error naming %s", err, tt.wantVar)
			}
		})
	}
}

// TestEveryBadValueReported: one start reports every bad variable, not
// only the first.
func TestEveryBadValueReported(t *testing.T) {
	_, err := lambdaenv.Map(map[string]string{"LOG_LEVEL": "loud", "CORS_ALLOW_ORIGIN": "a, b", "KEY_PREFIX": "X"}).APIKeys()
	for _, name := range []string{"TABLE_NAME", "LOG_LEVEL", "CORS_ALLOW_ORIGIN", "KEY_PREFIX", "CURSOR_KEY"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("got %v, want it to name %s", err, name)
		}
	}
}

func TestAWS(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want lambdaenv.AWS
	}{
		{"AWS_REGION wins", map[string]string{"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "us-east-2"}, lambdaenv.AWS{Region: "eu-west-1"}},
		{"default region", map[string]string{"AWS_DEFAULT_REGION": "us-east-2"}, lambdaenv.AWS{Region: "us-east-2"}},
		{"none", nil, lambdaenv.AWS{}},
		{"trimmed; blank counts as unset", map[string]string{"AWS_REGION": "  ", "AWS_DEFAULT_REGION": " us-east-2 "}, lambdaenv.AWS{Region: "us-east-2"}},
		{"credentials", map[string]string{"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "token"},
			lambdaenv.AWS{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret", SessionToken: "token"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := lambdaenv.Map(tt.env).AWS(); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestSharedReaders: the readers the CLI and the local stack use alone
// agree with the Lambdas'.
func TestSharedReaders(t *testing.T) {
	tests := []struct {
		name       string
		env        map[string]string
		wantPrefix string
		wantErr    bool
	}{
		{"unset", nil, "sk", false},
		{"set", map[string]string{"KEY_PREFIX": "tj"}, "tj", false},
		{"trimmed", map[string]string{"KEY_PREFIX": " tj\n"}, "tj", false},
		{"invalid", map[string]string{"KEY_PREFIX": "Tj_"}, "", true},
	}
	for _, tt := range tests {
		t.Run("KEY_PREFIX "+tt.name, func(t *testing.T) {
			got, err := lambdaenv.FromGetenv(func(k string) string { return tt.env[k] }).KeyPrefix()
			if (err != nil) != tt.wantErr || (err == nil && got != tt.wantPrefix) {
				t.Errorf("got %q, %v; want %q, error %v", got, err, tt.wantPrefix, tt.wantErr)
			}
		})
	}
	for _, tt := range []struct {
		value   string
		want    time.Duration
		wantErr bool
	}{{"", keys.DefaultAuditRetention, false}, {"7", 7 * 24 * time.Hour, false}, {"0", 0, true}, {"week", 0, true}} {
		t.Run("AUDIT_RETENTION_DAYS "+tt.value, func(t *testing.T) {
			got, err := lambdaenv.Map(map[string]string{"AUDIT_RETENTION_DAYS": tt.value}).AuditRetention()
			if (err != nil) != tt.wantErr || (err == nil && got != tt.want) {
				t.Errorf("got %v, %v; want %v, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// TestZeroEnvIsEmpty: a Deps without an Env reads nothing from the
// process.
func TestZeroEnvIsEmpty(t *testing.T) {
	t.Setenv("TABLE_NAME", "from-the-process")
	if _, err := (lambdaenv.Env{}).TableFunction(); err == nil || !strings.Contains(err.Error(), "TABLE_NAME") {
		t.Errorf("got %v, want TABLE_NAME missing", err)
	}
	s, err := lambdaenv.OS().TableFunction()
	if err != nil || s.DynamoDB.Table != "from-the-process" {
		t.Errorf("OS: got %+v, %v; want the process's TABLE_NAME", s.DynamoDB, err)
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
