package apikeys

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/apigateway"

	"keygate/shared/apigw"
	"keygate/shared/awsenv"
	"keygate/shared/lambdaenv"
)

// Wire builds the function from its environment: the one wiring its
// bootstrap and the local gateway both call. flusher nil uses API Gateway's
// FlushStageAuthorizersCache with the execution role's credentials.
func Wire(ctx context.Context, d lambdaenv.Deps, flusher apigw.StageFlusher) (*Function, error) {
	cfg, err := ConfigFromEnv(d.Getenv)
	if err != nil {
		return nil, err
	}
	cfg.Logger = d.LoggerFor(cfg.LogLevel)
	cfg.Now = d.Now
	st, err := d.Store(ctx, cfg.Base)
	if err != nil {
		return nil, err
	}
	if flusher == nil {
		// The execution role's credentials, as Lambda sets them; awsenv
		// explains why the SDK's shared-config loader is not used. Under
		// sam local without credentials they are placeholders: flushing
		// fails, and the response and the log say so.
		creds, err := awsenv.CredentialsOrLocal(d.Getenv, cfg.DynamoDBEndpoint != "")
		if err != nil {
			return nil, err
		}
		flusher = apigw.NewFlusher(apigateway.New(apigateway.Options{Region: cfg.Region, Credentials: creds}))
	}
	return New(cfg, st, flusher)
}
