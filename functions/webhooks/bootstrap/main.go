// Command bootstrap is the WebhooksFunction Lambda: webhooks.Wire builds it
// from the environment, then the Lambda runtime starts.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"keygate/functions/webhooks"
	"keygate/shared/lambdaenv"
)

func main() { lambdaenv.Main("webhooks", run) }

func run(ctx context.Context) error {
	fn, err := webhooks.Wire(ctx, lambdaenv.Deps{Getenv: os.Getenv})
	if err != nil {
		return err
	}
	slog.SetDefault(fn.Logger())
	lambda.Start(fn.Handle)
	return nil
}
