package lambdaenv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"keygate/shared/awsenv"
	"keygate/shared/store"
)

// Base holds the settings every keygate Lambda reads.
type Base struct {
	// TableName is the DynamoDB table (TABLE_NAME).
	TableName string
	// DynamoDBEndpoint is an optional DynamoDB-compatible endpoint (DYNAMODB_ENDPOINT).
	DynamoDBEndpoint string
	// Region is the AWS region (awsenv.Region: AWS_REGION, else
	// AWS_DEFAULT_REGION); "" when neither is set.
	Region string
	// LogLevel is the slog level (LOG_LEVEL: debug, info, warn, error, any
	// case; default info).
	LogLevel slog.Level
}

// Load reads the settings, each trimmed. TABLE_NAME is required when
// needTable; an unknown LOG_LEVEL is an error naming it.
func Load(getenv func(string) string, needTable bool) (Base, error) {
	b := Base{
		TableName:        strings.TrimSpace(getenv("TABLE_NAME")),
		DynamoDBEndpoint: strings.TrimSpace(getenv("DYNAMODB_ENDPOINT")),
		Region:           awsenv.Region(getenv),
	}
	if needTable && b.TableName == "" {
		return Base{}, errors.New("TABLE_NAME is required")
	}
	if lv := strings.TrimSpace(getenv("LOG_LEVEL")); lv != "" {
		if err := b.LogLevel.UnmarshalText([]byte(lv)); err != nil {
			return Base{}, fmt.Errorf("LOG_LEVEL %q: want debug, info, warn or error", lv)
		}
	}
	return b, nil
}

// Main is a bootstrap's main: it runs run, which wires the function and
// starts the Lambda runtime, and when run fails (a bad variable, a client that
// cannot be built) prints the error after name and exits 1, failing the
// Lambda's init with the reason.
func Main(name string, run func(context.Context) error) {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, name+":", err)
		os.Exit(1)
	}
}

// NewLogger returns the JSON logger the Lambdas write to stdout.
func NewLogger(level slog.Level) *slog.Logger {
	return slog.New(NewLogHandler(os.Stdout, level))
}

// NewLogHandler is the JSON handler of NewLogger on w. Its records carry
// "timestamp" (RFC 3339, UTC) and "level" (DEBUG, INFO, WARN, ERROR): the
// keys Lambda's advanced logging reads to filter a custom runtime's JSON
// logs by ApplicationLogLevel (slog's own time key is "time", which Lambda
// would not see).
func NewLogHandler(w io.Writer, level slog.Level) slog.Handler {
	return slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level, ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		if len(groups) == 0 && a.Key == slog.TimeKey {
			return slog.String("timestamp", a.Value.Time().UTC().Format(time.RFC3339Nano))
		}
		return a
	}})
}

// Deps are what a Lambda's wiring takes from outside its environment. The
// bootstrap passes only Getenv; the local gateway and tests also pass their
// logger and DynamoDB client. Each function's Wire is the one place that
// turns them into a handler.
type Deps struct {
	// Getenv reads the function's environment (os.Getenv on Lambda).
	Getenv func(string) string
	// Logger receives the function's logs; nil builds the JSON logger on
	// stdout at LOG_LEVEL, as CloudWatch reads it.
	Logger *slog.Logger
	// DynamoDB is the client to use; nil builds one from the environment.
	DynamoDB store.API
	// Now is the clock (nil: time.Now); tests of limits and expiry inject
	// one.
	Now func() time.Time
}

// LoggerFor returns d.Logger, or the JSON logger at level.
func (d Deps) LoggerFor(level slog.Level) *slog.Logger {
	if d.Logger != nil {
		return d.Logger
	}
	return NewLogger(level)
}

// Store returns the store on table, with d.DynamoDB or a client built once
// from the environment (endpoint and region from b).
func (d Deps) Store(ctx context.Context, b Base) (*store.Store, error) {
	if d.DynamoDB != nil {
		return store.New(d.DynamoDB, b.TableName), nil
	}
	client, err := store.NewClient(ctx, store.ClientOptions{Endpoint: b.DynamoDBEndpoint, Region: b.Region, Getenv: d.Getenv})
	if err != nil {
		return nil, fmt.Errorf("dynamodb client: %w", err)
	}
	return store.New(client, b.TableName), nil
}
