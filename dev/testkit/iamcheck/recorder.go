package iamcheck

import (
	"context"
	"slices"
	"sync"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"
)

// Recorder records the requests of the SDK clients it wraps.
type Recorder struct {
	mu   sync.Mutex
	reqs []Request
}

// Client returns a copy of client whose requests r records, through a
// middleware, so what is recorded is what goes over the wire (retries aside).
func (r *Recorder) Client(client *dynamodb.Client) *dynamodb.Client {
	return dynamodb.New(client.Options(), func(o *dynamodb.Options) {
		o.APIOptions = append(slices.Clip(o.APIOptions), r.middleware)
	})
}

func (r *Recorder) middleware(stack *middleware.Stack) error {
	return r.middlewareWith(Describe)(stack)
}

// middlewareWith records what describe makes of each request.
func (r *Recorder) middlewareWith(describe func(op string, params any) []Request) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("keygateRecordRequests",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				reqs := describe(awsmiddleware.GetOperationName(ctx), in.Parameters)
				r.mu.Lock()
				r.reqs = append(r.reqs, reqs...)
				r.mu.Unlock()
				return next.HandleInitialize(ctx, in)
			}), middleware.After)
	}
}

// Take returns the requests recorded since the last Take and forgets them.
func (r *Recorder) Take() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	reqs := r.reqs
	r.reqs = nil
	return reqs
}
