// Command bootstrap is the authorizer Lambda: authorizer.Wire builds it from
// the environment, once, then the Lambda runtime starts.
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"keygate/authorizer"
	"keygate/shared/lambdaenv"
)

func main() { lambdaenv.Main("authorizer", run) }

func run(ctx context.Context) error {
	h, err := authorizer.Wire(ctx, lambdaenv.Deps{Getenv: os.Getenv})
	if err != nil {
		return err
	}
	lambda.Start(h.Handle)
	return nil
}
