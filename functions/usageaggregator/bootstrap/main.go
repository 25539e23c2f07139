// Command bootstrap is the UsageAggregatorFunction Lambda:
// usageaggregator.Wire builds it once from the environment (its settings,
// then its DynamoDB client), then the Lambda runtime starts.
package main

import (
	"context"
	"log/slog"

	"github.com/aws/aws-lambda-go/lambda"

	"keygate/functions/usageaggregator"
	"keygate/shared/lambdaenv"
)

func main() { lambdaenv.Main("usageaggregator", run) }

func run(ctx context.Context) error {
	fn, err := usageaggregator.Wire(ctx, lambdaenv.Deps{Env: lambdaenv.OS()}, nil)
	if err != nil {
		return err
	}
	slog.SetDefault(fn.Logger())
	lambda.Start(fn.Handle)
	return nil
}
