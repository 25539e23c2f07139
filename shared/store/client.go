package store

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"keygate/shared/awsenv"
)

// ClientOptions configure NewClient.
type ClientOptions struct {
	// Endpoint is a DynamoDB-compatible endpoint such as DynamoDB Local;
	// "" uses AWS.
	Endpoint string
	// Region overrides AWS_REGION; with a custom endpoint and no region set,
	// us-east-1 is used.
	Region string
	// MaxAttempts bounds SDK retries (default: the SDK's standard 3).
	MaxAttempts int
	// Getenv reads the environment (default os.Getenv).
	Getenv func(string) string
}

// NewClient builds a DynamoDB client once, at start-up, from the region and
// credentials in the environment, as Lambda provides them (see awsenv for why
// it does not use the SDK's shared-config loader). With a custom endpoint it
// disables response checksum validation (DynamoDB Local does not send the
// CRC32 the SDK checks) and, when the environment has no credentials, uses
// placeholder ones, which DynamoDB Local accepts.
func NewClient(_ context.Context, opts ClientOptions) (*dynamodb.Client, error) {
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	region := opts.Region
	if region == "" {
		region = awsenv.Region(getenv)
	}
	if region == "" {
		if opts.Endpoint == "" {
			return nil, errors.New("store: no AWS region: set AWS_REGION")
		}
		region = "us-east-1"
	}
	creds, err := awsenv.CredentialsOrLocal(getenv, opts.Endpoint != "")
	if err != nil {
		return nil, err
	}
	o := dynamodb.Options{
		Region:           region,
		Credentials:      creds,
		HTTPClient:       defaultHTTPClient(),
		RetryMaxAttempts: opts.MaxAttempts,
	}
	withEndpoint(opts.Endpoint)(&o)
	return dynamodb.New(o), nil
}

// withEndpoint points a DynamoDB client at a custom endpoint ("" changes
// nothing) and turns off response checksum validation, which DynamoDB Local
// does not support.
func withEndpoint(endpoint string) func(*dynamodb.Options) {
	return func(o *dynamodb.Options) {
		if endpoint == "" {
			return
		}
		o.BaseEndpoint = aws.String(endpoint)
		o.DisableValidateResponseChecksum = true
	}
}

// defaultHTTPClient keeps connections warm between Lambda invocations and
// bounds connection set-up so a dead endpoint fails fast.
func defaultHTTPClient() aws.HTTPClient {
	return awshttp.NewBuildableClient().
		WithDialerOptions(func(d *net.Dialer) {
			d.Timeout = 2 * time.Second
			d.KeepAlive = 30 * time.Second
		}).
		WithTransportOptions(func(t *http.Transport) {
			t.MaxIdleConns = 100
			t.MaxIdleConnsPerHost = 100
			t.TLSHandshakeTimeout = 3 * time.Second
			// No response timeout here: a timed-out UpdateItem that the SDK
			// retries may have been applied, counting a use twice. Callers
			// bound each call with their context's deadline instead.
		})
}
