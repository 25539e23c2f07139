// Command bootstrap is the ApiKeysFunction Lambda: it wires the environment,
// the DynamoDB and API Gateway clients and the apikeys function, then starts
// the Lambda runtime.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"

	"keygate/functions/apikeys"
	"keygate/functions/internal/fnenv"
	"keygate/shared/store"
)

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "apikeys:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	cfg, err := apikeys.ConfigFromEnv(os.Getenv)
	if err != nil {
		return err
	}
	cfg.Logger = fnenv.NewLogger(cfg.LogLevel)
	slog.SetDefault(cfg.Logger)
	db, err := store.NewClient(ctx, store.ClientOptions{Endpoint: cfg.DynamoDBEndpoint, Region: cfg.Region})
	if err != nil {
		return err
	}
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return fmt.Errorf("load AWS config: %w", err)
	}
	flusher := apikeys.NewAPIGatewayFlusher(apigateway.NewFromConfig(awsCfg))
	fn := apikeys.New(cfg, store.New(db, cfg.TableName), flusher)
	lambda.Start(fn.Handle)
	return nil
}
