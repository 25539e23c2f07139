// Command bootstrap is the ConfigFunction Lambda: it reads Tianji's public
// settings from the environment once and starts the Lambda runtime.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"keygate/functions/config"
	"keygate/shared/lambdaenv"
)

func main() { lambdaenv.Main("config", run) }

func run(context.Context) error {
	cfg, err := config.ConfigFromEnv(os.Getenv)
	if err != nil {
		return err
	}
	cfg.Logger = lambdaenv.NewLogger(cfg.LogLevel)
	slog.SetDefault(cfg.Logger)
	lambda.Start(config.New(cfg).Handle)
	return nil
}
