// Command bootstrap is the ConfigFunction Lambda: config.Wire builds it
// once from the environment (no AWS client: it has no table), then the
// Lambda runtime starts.
package main

import (
	"context"
	"log/slog"

	"github.com/aws/aws-lambda-go/lambda"

	"keygate/functions/config"
	"keygate/shared/lambdaenv"
)

func main() { lambdaenv.Main("config", run) }

func run(ctx context.Context) error {
	fn, err := config.Wire(ctx, lambdaenv.Deps{Env: lambdaenv.OS()})
	if err != nil {
		return err
	}
	slog.SetDefault(fn.Logger())
	lambda.Start(fn.Handle)
	return nil
}
