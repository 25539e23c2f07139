// Command bootstrap is the example function's Lambda (docs/extend.md): its
// settings from the environment, its store built once, then the Lambda
// runtime starts.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"

	"keygate/examples/workspacerole"
	"keygate/shared/lambdaenv"
	"keygate/shared/store"
)

func main() { lambdaenv.Main("workspacerole", run) }

func run(ctx context.Context) error {
	s, err := lambdaenv.OS().TableFunction()
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, nil, s.DynamoDB, s.AWS)
	if err != nil {
		return err
	}
	fn := workspacerole.New(st, lambdaenv.NewLogger(s.LogLevel))
	lambda.Start(fn.Handle)
	return nil
}
