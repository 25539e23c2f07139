// Command bootstrap is the authorizer Lambda: it reads the environment once,
// builds the DynamoDB client and the handler, and starts the Lambda runtime.
//
// Environment: TABLE_NAME (required), KEY_PREFIX (default sk),
// DYNAMODB_ENDPOINT (optional, e.g. DynamoDB Local), AWS_REGION (or
// AWS_DEFAULT_REGION), LOG_LEVEL (debug, info, warn, error; default info).
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"keygate/authorizer"
	"keygate/shared/apikey"
	"keygate/shared/store"
)

func main() {
	var level slog.Level
	levelErr := level.UnmarshalText([]byte(envOr("LOG_LEVEL", "info")))
	logger := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: level}))
	if levelErr != nil {
		// As the other functions do: a configuration error stops the start.
		logger.Error("invalid configuration: LOG_LEVEL must be DEBUG, INFO, WARN or ERROR")
		os.Exit(1)
	}

	table := os.Getenv("TABLE_NAME")
	prefix := envOr("KEY_PREFIX", apikey.DefaultPrefix)
	if table == "" || !apikey.ValidPrefix(prefix) {
		logger.Error("invalid configuration: TABLE_NAME is required and KEY_PREFIX must match ^[a-z][a-z0-9]{0,15}$")
		os.Exit(1)
	}
	// NewClient takes the region and credentials from the environment
	// (shared/awsenv).
	client, err := store.NewClient(context.Background(), store.ClientOptions{Endpoint: os.Getenv("DYNAMODB_ENDPOINT")})
	if err != nil {
		logger.Error("dynamodb client", slog.String("error", err.Error()))
		os.Exit(1)
	}
	h := authorizer.New(store.New(client, table), authorizer.Config{KeyPrefix: prefix}, logger)
	lambda.Start(h.Handle)
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
