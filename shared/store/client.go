package store

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// ClientOptions configure NewClient.
type ClientOptions struct {
	// Endpoint is a DynamoDB-compatible endpoint such as DynamoDB Local;
	// "" uses AWS.
	Endpoint string
	// Region overrides the region from the environment; with a custom
	// endpoint and no region set, us-east-1 is used.
	Region string
	// MaxAttempts bounds SDK retries (default: the SDK's standard 3).
	MaxAttempts int
	// HTTPClient replaces the default HTTP client.
	HTTPClient aws.HTTPClient
}

// NewClient builds a DynamoDB client once, at start-up. With a custom
// endpoint it disables response checksum validation (DynamoDB Local does not
// send the CRC32 the SDK checks) and, when the environment has no credentials,
// uses static placeholder ones (letters only, as DynamoDB Local requires).
func NewClient(ctx context.Context, opts ClientOptions) (*dynamodb.Client, error) {
	var loaders []func(*config.LoadOptions) error
	region := opts.Region
	if region == "" && opts.Endpoint != "" && os.Getenv("AWS_REGION") == "" && os.Getenv("AWS_DEFAULT_REGION") == "" {
		region = "us-east-1"
	}
	if region != "" {
		loaders = append(loaders, config.WithRegion(region))
	}
	if opts.Endpoint != "" && os.Getenv("AWS_ACCESS_KEY_ID") == "" {
		loaders = append(loaders, config.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider("keygatelocal", "keygatelocal", "")))
	}
	httpClient := opts.HTTPClient
	if httpClient == nil {
		httpClient = defaultHTTPClient()
	}
	loaders = append(loaders, config.WithHTTPClient(httpClient))
	if opts.MaxAttempts > 0 {
		loaders = append(loaders, config.WithRetryMaxAttempts(opts.MaxAttempts))
	}
	cfg, err := config.LoadDefaultConfig(ctx, loaders...)
	if err != nil {
		return nil, fmt.Errorf("store: load AWS config: %w", err)
	}
	return dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		if opts.Endpoint != "" {
			o.BaseEndpoint = aws.String(opts.Endpoint)
			o.DisableValidateResponseChecksum = true
		}
	}), nil
}

// defaultHTTPClient keeps connections warm between Lambda invocations and
// bounds connection set-up so a dead endpoint fails fast. It stays an SDK
// buildable client so settings such as AWS_CA_BUNDLE still apply.
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
