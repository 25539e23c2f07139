// Command bootstrap is the IdentityFunction Lambda: identity.Wire builds it
// once from the environment (its settings, then its DynamoDB client), then
// the Lambda runtime starts.
package main

import (
	"context"
	"log/slog"

	"github.com/aws/aws-lambda-go/lambda"

	"keygate/functions/identity"
	"keygate/shared/lambdaenv"
)

func main() { lambdaenv.Main("identity", run) }

func run(ctx context.Context) error {
	fn, err := identity.Wire(ctx, lambdaenv.Deps{Env: lambdaenv.OS()}, nil)
	if err != nil {
		return err
	}
	slog.SetDefault(fn.Logger())
	lambda.Start(fn.Handle)
	return nil
}
