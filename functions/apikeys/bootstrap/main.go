// Command bootstrap is the ApiKeysFunction Lambda: apikeys.Wire builds it
// from the environment, then the Lambda runtime starts.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"keygate/functions/apikeys"
	"keygate/shared/lambdaenv"
)

func main() { lambdaenv.Main("apikeys", run) }

func run(ctx context.Context) error {
	fn, err := apikeys.Wire(ctx, lambdaenv.Deps{Getenv: os.Getenv}, nil)
	if err != nil {
		return err
	}
	slog.SetDefault(fn.Logger())
	lambda.Start(fn.Handle)
	return nil
}
