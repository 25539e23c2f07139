// Command bootstrap is the ApiKeysFunction Lambda: apikeys.Wire builds it
// once from the environment (its settings, then its DynamoDB and API
// Gateway clients), then the Lambda runtime starts.
package main

import (
	"context"
	"log/slog"

	"github.com/aws/aws-lambda-go/lambda"

	"keygate/functions/apikeys"
	"keygate/shared/lambdaenv"
)

func main() { lambdaenv.Main("apikeys", run) }

func run(ctx context.Context) error {
	fn, err := apikeys.Wire(ctx, lambdaenv.Deps{Env: lambdaenv.OS()}, nil, nil)
	if err != nil {
		return err
	}
	slog.SetDefault(fn.Logger())
	lambda.Start(fn.Handle)
	return nil
}
