// Command bootstrap is the example function's Lambda (docs/extend.md): the
// environment gives the table, the store is built once, then the Lambda
// runtime starts.
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"keygate/examples/workspacerole"
	"keygate/shared/lambdaenv"
)

func main() { lambdaenv.Main("workspacerole", run) }

func run(ctx context.Context) error {
	d := lambdaenv.Deps{Getenv: os.Getenv}
	base, err := lambdaenv.Load(os.Getenv, true)
	if err != nil {
		return err
	}
	st, err := d.Store(ctx, base)
	if err != nil {
		return err
	}
	fn := workspacerole.New(st, d.LoggerFor(base.LogLevel))
	lambda.Start(fn.Handle)
	return nil
}
