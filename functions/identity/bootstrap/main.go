// Command bootstrap is the IdentityFunction Lambda: it wires the environment,
// the DynamoDB client and the identity function, then starts the Lambda
// runtime.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"keygate/functions/identity"
	"keygate/shared/lambdaenv"
	"keygate/shared/store"
)

func main() { lambdaenv.Main("identity", run) }

func run(ctx context.Context) error {
	cfg, err := identity.ConfigFromEnv(os.Getenv)
	if err != nil {
		return err
	}
	cfg.Logger = lambdaenv.NewLogger(cfg.LogLevel)
	slog.SetDefault(cfg.Logger)
	db, err := store.NewClient(ctx, store.ClientOptions{Endpoint: cfg.DynamoDBEndpoint, Region: cfg.Region})
	if err != nil {
		return err
	}
	fn := identity.New(cfg, store.New(db, cfg.TableName))
	lambda.Start(fn.Handle)
	return nil
}
