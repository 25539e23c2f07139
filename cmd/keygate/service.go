package main

import (
	"crypto/rand"
	"fmt"
	"log/slog"
	"os"
	"os/user"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"

	"keygate/shared/access"
	"keygate/shared/apigw"
	"keygate/shared/keys"
	"keygate/shared/lambdaenv"
)

// keyService connects and returns the domain's key service on the table:
// the CLI changes keys by the same rules as the API; api are the API
// document's scopes, which keys may hold beside keygate's.
func (c *cli) keyService(prefix string, api ...keys.Scope) (*keys.Service, error) {
	st, err := c.connect()
	if err != nil {
		return nil, err
	}
	// The CLI never hands out list cursors, so their key only has to be
	// unpredictable for this process.
	cursorKey := make([]byte, keys.MinCursorKeyLen)
	_, _ = rand.Read(cursorKey) // never fails: it crashes the program instead
	retention, err := c.auditRetention()
	if err != nil {
		return nil, err
	}
	return keys.NewService(st, keys.Config{KeyPrefix: prefix, CursorKey: cursorKey, ReflushAfter: access.ReflushDelay,
		Logger: c.logger(), AuditRetention: retention, APIScopes: api})
}

// auditRetention is how long the audit events of the CLI's changes are
// kept: AUDIT_RETENTION_DAYS as the functions read it (lambdaenv), default
// the template's.
func (c *cli) auditRetention() (time.Duration, error) {
	d, err := lambdaenv.FromGetenv(c.getenv).AuditRetention()
	if err != nil {
		return 0, usageErrorf("%v", err)
	}
	return d, nil
}

// memberships connects and returns the membership use cases: every change
// an operator makes is audited in the member's log.
func (c *cli) memberships() (*keys.Memberships, error) {
	st, err := c.connect()
	if err != nil {
		return nil, err
	}
	retention, err := c.auditRetention()
	if err != nil {
		return nil, err
	}
	return keys.NewMemberships(st, keys.MembershipConfig{AuditRetention: retention}), nil
}

// operator is the caller of the CLI's changes: the operator, named by
// --actor or the OS user, acting for userID. The audit log records it, with
// the machine's host name as the source.
func (c *cli) operator(userID string) keys.Caller {
	name := strings.TrimSpace(c.g.actor)
	if name == "" {
		name = "operator"
		if u, err := user.Current(); err == nil && u.Username != "" {
			name = u.Username
		}
	}
	caller := keys.OperatorCaller(name, userID)
	caller.UserAgent = "keygate-cli"
	if host, err := os.Hostname(); err == nil {
		caller.SourceIP = host
	}
	return caller
}

// stageCache is the authorizer cache of a deployed stage, reached with the
// SDK's configuration chain (profiles, SSO, assumed roles).
func (c *cli) stageCache(restAPIID, stage string) (keys.CacheFlusher, error) {
	cfg, err := c.awsConfig()
	if err != nil {
		return nil, err
	}
	return apigw.Stage{Flusher: apigw.NewFlusher(apigateway.NewFromConfig(cfg)), RestAPIID: restAPIID, Name: stage}, nil
}

// awsConfig loads the SDK's configuration chain (profiles, SSO, assumed
// roles) for the AWS services the CLI calls besides DynamoDB.
func (c *cli) awsConfig() (aws.Config, error) {
	var opts []func(*config.LoadOptions) error
	if c.g.region != "" {
		opts = append(opts, config.WithRegion(c.g.region))
	}
	cfg, err := config.LoadDefaultConfig(c.ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return aws.Config{}, usageErrorf("no AWS region: pass --region or set AWS_REGION")
	}
	return cfg, nil
}

// logger writes the service's warnings (a failed flush) to stderr as text.
func (c *cli) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(c.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}
