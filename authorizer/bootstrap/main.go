// Command bootstrap is the authorizer Lambda: authorizer.Wire builds it
// once from the environment (its settings, then its DynamoDB client), then
// the Lambda runtime starts.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"

	"keygate/authorizer"
	"keygate/shared/lambdaenv"
)

func main() { lambdaenv.Main("authorizer", run) }

func run(ctx context.Context) error {
	h, err := authorizer.Wire(ctx, lambdaenv.Deps{Env: lambdaenv.OS()}, nil)
	if err != nil {
		return err
	}
	lambda.Start(h.Handle)
	return nil
}
