// Command bootstrap is the ApiKeysFunction Lambda: it wires the environment,
// the DynamoDB and API Gateway clients and the apikeys function, then starts
// the Lambda runtime.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"

	"keygate/functions/apikeys"
	"keygate/shared/awsenv"
	"keygate/shared/lambdaenv"
	"keygate/shared/store"
)

func main() { lambdaenv.Main("apikeys", run) }

func run(ctx context.Context) error {
	cfg, err := apikeys.ConfigFromEnv(os.Getenv)
	if err != nil {
		return err
	}
	cfg.Logger = lambdaenv.NewLogger(cfg.LogLevel)
	slog.SetDefault(cfg.Logger)
	db, err := store.NewClient(ctx, store.ClientOptions{Endpoint: cfg.DynamoDBEndpoint, Region: cfg.Region})
	if err != nil {
		return err
	}
	// The execution role's credentials, as Lambda sets them; awsenv explains
	// why the SDK's shared-config loader is not used. Under sam local without
	// credentials they are placeholders: flushing fails and is logged.
	creds, err := awsenv.CredentialsOrLocal(os.Getenv, cfg.DynamoDBEndpoint != "")
	if err != nil {
		return err
	}
	flusher := apikeys.NewAPIGatewayFlusher(apigateway.New(apigateway.Options{
		Region:      cfg.Region,
		Credentials: creds,
	}))
	fn := apikeys.New(cfg, store.New(db, cfg.TableName), flusher)
	lambda.Start(fn.Handle)
	return nil
}
