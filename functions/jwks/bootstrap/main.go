// Command bootstrap is the JwksFunction Lambda: jwks.Wire builds it once
// from the environment (its settings, then its DynamoDB client), then the
// Lambda runtime starts.
package main

import (
	"context"
	"log/slog"

	"github.com/aws/aws-lambda-go/lambda"

	"keygate/functions/jwks"
	"keygate/shared/lambdaenv"
)

func main() { lambdaenv.Main("jwks", run) }

func run(ctx context.Context) error {
	fn, err := jwks.Wire(ctx, lambdaenv.Deps{Env: lambdaenv.OS()}, nil)
	if err != nil {
		return err
	}
	slog.SetDefault(fn.Logger())
	lambda.Start(fn.Handle)
	return nil
}
