package main

import (
	"context"
	"fmt"
	"net/url"
	"regexp"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"keygate/shared/awsenv"
	"keygate/shared/lambdaenv"
	"keygate/shared/store"
)

// tableNamePattern is DynamoDB's rule for table names.
var tableNamePattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{3,255}$`)

// checkConnection validates the global flags that say where the table is
// and --timeout. connect calls it, after the command has checked its own
// input and before any request.
func (c *cli) checkConnection() error {
	if c.g.table == "" {
		return usageErrorf("no table: set --table or KEYGATE_TABLE")
	}
	if !tableNamePattern.MatchString(c.g.table) {
		return usageErrorf("invalid table name %q: want 3-255 characters of A-Z a-z 0-9 _ . -", c.g.table)
	}
	if c.g.endpoint != "" {
		u, err := url.Parse(c.g.endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return usageErrorf("invalid endpoint %q: want a URL such as http://127.0.0.1:8000", c.g.endpoint)
		}
	}
	if c.g.timeout <= 0 {
		return usageErrorf("invalid --timeout %s: want a positive duration", c.g.timeout)
	}
	return nil
}

// connect builds the DynamoDB client and store once, after the command has
// validated its input, and starts the command's timeout.
func (c *cli) connect() (*store.Store, error) {
	if c.st != nil {
		return c.st, nil
	}
	if err := c.checkConnection(); err != nil {
		return nil, err
	}
	c.ctx, c.cancel = context.WithTimeout(c.ctx, c.g.timeout)
	client, err := newDynamoClient(c.ctx, c.g.endpoint, c.g.region, c.getenv)
	if err != nil {
		return nil, err
	}
	c.client = client
	c.st = store.New(client, c.g.table)
	return c.st, nil
}

// parseAndConnect parses the command's arguments and then connects: the
// start of every command that has no checks of its own between the two.
func (c *cli) parseAndConnect(fs *flagSet, args []string) ([]string, *store.Store, error) {
	pos, err := fs.parse(args)
	if err != nil {
		return nil, nil, err
	}
	st, err := c.connect()
	if err != nil {
		return nil, nil, err
	}
	return pos, st, nil
}

// dynamo returns the raw client, for table administration.
func (c *cli) dynamo() (*dynamodb.Client, error) {
	if _, err := c.connect(); err != nil {
		return nil, err
	}
	return c.client, nil
}

// newDynamoClient builds the CLI's DynamoDB client. Against AWS it uses the
// SDK's full configuration chain (profiles, SSO, assumed roles), as operators
// expect of a command-line tool; against a custom endpoint it uses the
// store's client, with the region and credentials of getenv (the CLI's
// environment, read as the Lambdas read theirs), placeholder ones when none
// are set.
func newDynamoClient(ctx context.Context, endpoint, region string, getenv func(string) string) (*dynamodb.Client, error) {
	if endpoint != "" {
		env := lambdaenv.FromGetenv(getenv).AWS()
		if region == "" {
			region = env.Region
		}
		creds, err := awsenv.CredentialsOrLocal(env, true)
		if err != nil {
			return nil, err
		}
		return store.NewClient(ctx, store.ClientOptions{Endpoint: endpoint, Region: region, Credentials: creds})
	}
	var opts []func(*config.LoadOptions) error
	if region != "" {
		opts = append(opts, config.WithRegion(region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("load AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return nil, usageErrorf("no AWS region: pass --region or set AWS_REGION")
	}
	return dynamodb.NewFromConfig(cfg), nil
}
