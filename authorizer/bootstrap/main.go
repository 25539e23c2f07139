// Command bootstrap is the authorizer Lambda: it reads the environment once
// (authorizer.ConfigFromEnv), builds the DynamoDB client and the handler, and
// starts the Lambda runtime. A configuration error stops the start, as in the
// other functions.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"keygate/authorizer"
	"keygate/shared/store"
)

func main() {
	cfg, err := authorizer.ConfigFromEnv(os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "authorizer:", err)
		os.Exit(1)
	}
	logger := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: cfg.LogLevel}))
	// NewClient takes the region and credentials from the environment
	// (shared/awsenv).
	client, err := store.NewClient(context.Background(), store.ClientOptions{Endpoint: cfg.DynamoDBEndpoint})
	if err != nil {
		fmt.Fprintln(os.Stderr, "authorizer: dynamodb client:", err)
		os.Exit(1)
	}
	h := authorizer.New(store.New(client, cfg.TableName), cfg, logger)
	lambda.Start(h.Handle)
}
