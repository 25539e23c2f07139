// Command bootstrap is the authorizer Lambda: it reads the environment once
// (authorizer.ConfigFromEnv), builds the DynamoDB client and the handler, and
// starts the Lambda runtime. A configuration error stops the start, as in the
// other functions.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"keygate/authorizer"
	"keygate/shared/lambdaenv"
	"keygate/shared/store"
)

func main() { lambdaenv.Main("authorizer", run) }

func run(ctx context.Context) error {
	cfg, err := authorizer.ConfigFromEnv(os.Getenv)
	if err != nil {
		return err
	}
	// NewClient takes the region and credentials from the environment
	// (shared/awsenv).
	client, err := store.NewClient(ctx, store.ClientOptions{Endpoint: cfg.DynamoDBEndpoint})
	if err != nil {
		return fmt.Errorf("dynamodb client: %w", err)
	}
	h := authorizer.New(store.New(client, cfg.TableName), cfg, lambdaenv.NewLogger(cfg.LogLevel))
	lambda.Start(h.Handle)
	return nil
}
