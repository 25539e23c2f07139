package webhookdelivery

import (
	"errors"
	"log/slog"
	"strings"

	"keygate/functions/internal/fnenv"
	"keygate/shared/lambdaenv"
)

// Config configures the function.
type Config struct {
	lambdaenv.Base
	// DeadLetterQueueURL is the SQS queue of dead letters
	// (DEAD_LETTER_QUEUE_URL).
	DeadLetterQueueURL string
	// AllowLoopback lets deliveries reach loopback addresses
	// (WEBHOOK_ALLOW_LOOPBACK=true): the local stack only; the template
	// never sets it.
	AllowLoopback bool
	LogLevel      slog.Level
}

// ConfigFromEnv reads the configuration once, at start.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	base, err := lambdaenv.Load(getenv, true)
	if err != nil {
		return Config{}, err
	}
	loopback, err := fnenv.Bool(getenv, "WEBHOOK_ALLOW_LOOPBACK", false)
	if err != nil {
		return Config{}, err
	}
	c := Config{Base: base, DeadLetterQueueURL: strings.TrimSpace(getenv("DEAD_LETTER_QUEUE_URL")), AllowLoopback: loopback, LogLevel: base.LogLevel}
	return c, nil
}

// errNoQueue is the start's error without a dead-letter queue.
var errNoQueue = errors.New("DEAD_LETTER_QUEUE_URL is required")
