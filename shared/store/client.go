package store

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"keygate/shared/awsenv"
	"keygate/shared/lambdaenv"
)

// ClientOptions configure NewClient.
type ClientOptions struct {
	// Endpoint is a DynamoDB-compatible endpoint such as DynamoDB Local;
	// "" uses AWS.
	Endpoint string
	// Region is the AWS region; with a custom endpoint and no region,
	// us-east-1 is used.
	Region string
	// MaxAttempts bounds SDK retries (default: the SDK's standard 3).
	MaxAttempts int
	// Credentials sign the requests; nil with a custom endpoint uses
	// placeholder ones (awsenv.LocalCredentials), which DynamoDB Local
	// accepts.
	Credentials aws.CredentialsProvider
}

// Open returns the store on the table d names: on api when not nil (the
// local gateway and tests inject one), else on a client built once, at
// start, from d's endpoint and a's region and credentials, as Lambda
// provides them (see awsenv for why it does not use the SDK's shared-config
// loader). It is the wiring every Lambda on the table shares; ConfigFunction,
// which has none, does not link it.
func Open(ctx context.Context, api API, d lambdaenv.DynamoDB, a lambdaenv.AWS) (*Store, error) {
	if api != nil {
		return New(api, d.Table), nil
	}
	creds, err := awsenv.CredentialsOrLocal(a, d.Local())
	if err != nil {
		return nil, fmt.Errorf("dynamodb client: %w", err)
	}
	client, err := NewClient(ctx, ClientOptions{Endpoint: d.Endpoint, Region: a.Region, Credentials: creds})
	if err != nil {
		return nil, fmt.Errorf("dynamodb client: %w", err)
	}
	return New(client, d.Table), nil
}

// NewClient builds a DynamoDB client once, at start-up. With a custom
// endpoint it disables response checksum validation (DynamoDB Local does
// not send the CRC32 the SDK checks) and, without credentials, uses
// placeholder ones.
func NewClient(_ context.Context, opts ClientOptions) (*dynamodb.Client, error) {
	region := opts.Region
	if region == "" {
		if opts.Endpoint == "" {
			return nil, errors.New("store: no AWS region: set AWS_REGION")
		}
		region = "us-east-1"
	}
	creds := opts.Credentials
	if creds == nil {
		if opts.Endpoint == "" {
			return nil, awsenv.ErrNoCredentials
		}
		creds = awsenv.LocalCredentials()
	}
	o := dynamodb.Options{
		Region:      region,
		Credentials: creds,
		HTTPClient:  defaultHTTPClient(),
		Retryer:     newRetryer(opts.MaxAttempts),
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
