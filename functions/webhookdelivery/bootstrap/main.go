// Command bootstrap is the WebhookDeliveryFunction Lambda:
// webhookdelivery.Wire builds it once from the environment (its settings,
// then its DynamoDB and SQS clients), then the Lambda runtime starts.
package main

import (
	"context"
	"log/slog"

	"github.com/aws/aws-lambda-go/lambda"

	"keygate/functions/webhookdelivery"
	"keygate/shared/lambdaenv"
)

func main() { lambdaenv.Main("webhookdelivery", run) }

func run(ctx context.Context) error {
	fn, err := webhookdelivery.Wire(ctx, lambdaenv.Deps{Env: lambdaenv.OS()}, nil)
	if err != nil {
		return err
	}
	slog.SetDefault(fn.Logger())
	lambda.Start(fn.Handle)
	return nil
}
