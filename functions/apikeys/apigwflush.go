package apikeys

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
)

// FlushAPI is the part of *apigateway.Client that APIGatewayFlusher uses.
type FlushAPI interface {
	FlushStageAuthorizersCache(ctx context.Context, in *apigateway.FlushStageAuthorizersCacheInput,
		optFns ...func(*apigateway.Options)) (*apigateway.FlushStageAuthorizersCacheOutput, error)
}

// APIGatewayFlusher flushes a REST API stage's authorizer cache with API
// Gateway's FlushStageAuthorizersCache (DELETE
// /restapis/{restapi_id}/stages/{stage_name}/cache/authorizers; IAM action
// apigateway:DELETE on that resource).
type APIGatewayFlusher struct {
	client FlushAPI
}

// NewAPIGatewayFlusher returns a CacheFlusher backed by client.
func NewAPIGatewayFlusher(client FlushAPI) *APIGatewayFlusher {
	return &APIGatewayFlusher{client: client}
}

// FlushAuthorizerCache empties the authorizer cache of restAPIID's stage.
func (f *APIGatewayFlusher) FlushAuthorizerCache(ctx context.Context, restAPIID, stage string) error {
	_, err := f.client.FlushStageAuthorizersCache(ctx, &apigateway.FlushStageAuthorizersCacheInput{
		RestApiId: aws.String(restAPIID),
		StageName: aws.String(stage),
	})
	if err != nil {
		return fmt.Errorf("flush authorizer cache of %s/%s: %w", restAPIID, stage, err)
	}
	return nil
}
