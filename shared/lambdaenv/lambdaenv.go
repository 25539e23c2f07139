package lambdaenv

import (
	"context"
	"fmt"
	"io"
	"keygate/shared/apidoc"
	"log/slog"
	"os"
	"time"
)

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

// Deps are what a Lambda's wiring takes from outside: its environment and,
// from the local gateway and tests, a logger and a clock. Each function's
// Wire is the one place that turns them into a handler; the functions on
// the table also take their DynamoDB client there (nil: built from the
// environment by store.Open), so that only they link the SDK.
type Deps struct {
	// Env is the function's environment: OS() on Lambda.
	Env Env
	// Logger receives the function's logs; nil builds the JSON logger on
	// stdout at LOG_LEVEL, as CloudWatch reads it.
	Logger *slog.Logger
	// Now is the clock (nil: time.Now); tests of limits and expiry inject
	// one.
	Now func() time.Time
	// Document is the team's compiled API document, when the local stack
	// or a test gives one (nil: APIDocument reads the package's).
	Document *apidoc.Document
}

// LoggerFor returns d.Logger, or the JSON logger at level.
func (d Deps) LoggerFor(level slog.Level) *slog.Logger {
	if d.Logger != nil {
		return d.Logger
	}
	return NewLogger(level)
}
