package apikeys

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/apigateway"

	"keygate/shared/apigw"
	"keygate/shared/awsenv"
	"keygate/shared/lambdaenv"
	"keygate/shared/store"
)

// Wire builds the function from its environment: the one wiring its
// bootstrap and the local gateway both call. api is the DynamoDB client
// (nil: one built from the environment); flusher nil uses API Gateway's
// FlushStageAuthorizersCache with the execution role's credentials.
func Wire(ctx context.Context, d lambdaenv.Deps, api store.API, flusher apigw.StageFlusher) (*Function, error) {
	s, err := d.Env.APIKeys()
	if err != nil {
		return nil, err
	}
	cfg := ConfigFrom(s)
	cfg.Logger = d.LoggerFor(s.LogLevel)
	cfg.Now = d.Now
	doc, err := d.APIDocument()
	if err != nil {
		return nil, err
	}
	cfg.APIScopes = doc.Scopes
	st, err := store.Open(ctx, api, s.DynamoDB, s.AWS)
	if err != nil {
		return nil, err
	}
	if flusher == nil {
		// The execution role's credentials, as Lambda sets them; awsenv
		// explains why the SDK's shared-config loader is not used. Under
		// sam local without credentials they are placeholders: flushing
		// fails, and the response and the log say so.
		creds, err := awsenv.CredentialsOrLocal(s.AWS, s.DynamoDB.Local())
		if err != nil {
			return nil, err
		}
		flusher = apigw.NewFlusher(apigateway.New(apigateway.Options{Region: s.AWS.Region, Credentials: creds}))
	}
	return New(cfg, st, flusher)
}
