// Package apigw is keygate's use of API Gateway's management API: flushing a
// stage's authorizer cache after a key is revoked.
package apigw

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
)

// FlushAPI is the part of *apigateway.Client that Flusher uses.
type FlushAPI interface {
	FlushStageAuthorizersCache(ctx context.Context, in *apigateway.FlushStageAuthorizersCacheInput,
		optFns ...func(*apigateway.Options)) (*apigateway.FlushStageAuthorizersCacheOutput, error)
}

// Flusher flushes a REST API stage's authorizer cache with API
// Gateway's FlushStageAuthorizersCache (DELETE
// /restapis/{restapi_id}/stages/{stage_name}/cache/authorizers; IAM action
// apigateway:DELETE on that resource).
type Flusher struct {
	client FlushAPI
}

// NewFlusher returns a Flusher backed by client.
func NewFlusher(client FlushAPI) *Flusher {
	return &Flusher{client: client}
}

// FlushAuthorizerCache empties the authorizer cache of restAPIID's stage.
func (f *Flusher) FlushAuthorizerCache(ctx context.Context, restAPIID, stage string) error {
	_, err := f.client.FlushStageAuthorizersCache(ctx, &apigateway.FlushStageAuthorizersCacheInput{
		RestApiId: aws.String(restAPIID),
		StageName: aws.String(stage),
	})
	if err != nil {
		return fmt.Errorf("flush authorizer cache of %s/%s: %w", restAPIID, stage, err)
	}
	return nil
}

// Stage is a Flusher bound to one stage: the keys.CacheFlusher of a
// revocation.
type Stage struct {
	Flusher   StageFlusher
	RestAPIID string
	Name      string
}

// StageFlusher flushes the authorizer cache of any stage: *Flusher on AWS,
// the local gateway locally.
type StageFlusher interface {
	FlushAuthorizerCache(ctx context.Context, restAPIID, stage string) error
}

// FlushAuthorizerCache flushes the stage's authorizer cache.
func (s Stage) FlushAuthorizerCache(ctx context.Context) error {
	return s.Flusher.FlushAuthorizerCache(ctx, s.RestAPIID, s.Name)
}
