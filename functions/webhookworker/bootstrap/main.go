// Command bootstrap is the WebhookWorkerFunction Lambda: webhookworker.Wire
// builds it once from the environment (its settings, then its DynamoDB and
// SQS clients), then the Lambda runtime starts.
package main

import (
	"context"
	"log/slog"

	"github.com/aws/aws-lambda-go/lambda"

	"keygate/functions/webhookworker"
	"keygate/shared/lambdaenv"
	"keygate/shared/webhooks"
)

func main() { lambdaenv.Main("webhookworker", run) }

func run(ctx context.Context) error {
	fn, err := webhookworker.Wire(ctx, lambdaenv.Deps{Env: lambdaenv.OS()}, nil, webhooks.DeliverConfig{})
	if err != nil {
		return err
	}
	slog.SetDefault(fn.Logger())
	lambda.Start(fn.Handle)
	return nil
}
