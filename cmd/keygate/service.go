package main

import (
	"crypto/rand"
	"fmt"
	"log/slog"
	"os/user"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"

	"keygate/shared/access"
	"keygate/shared/apigw"
	"keygate/shared/keys"
)

// keyService connects and returns the domain's key service on the table:
// the CLI changes keys by the same rules as the API.
func (c *cli) keyService(prefix string) (*keys.Service, error) {
	st, err := c.connect()
	if err != nil {
		return nil, err
	}
	// The CLI never hands out list cursors, so their key only has to be
	// unpredictable for this process.
	cursorKey := make([]byte, keys.MinCursorKeyLen)
	_, _ = rand.Read(cursorKey) // never fails: it crashes the program instead
	return keys.NewService(st, keys.Config{KeyPrefix: prefix, CursorKey: cursorKey, ReflushAfter: access.ReflushDelay,
		Logger: c.logger()})
}

// operator is the caller of the CLI's changes: the operator, named by the
// OS user, acting for userID.
func (c *cli) operator(userID string) keys.Caller {
	name := "operator"
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	}
	return keys.OperatorCaller(name, userID)
}

// stageCache is the authorizer cache of a deployed stage, reached with the
// SDK's configuration chain (profiles, SSO, assumed roles).
func (c *cli) stageCache(restAPIID, stage string) (keys.CacheFlusher, error) {
	var opts []func(*config.LoadOptions) error
	if c.g.region != "" {
		opts = append(opts, config.WithRegion(c.g.region))
	}
	cfg, err := config.LoadDefaultConfig(c.ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("load AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return nil, usageErrorf("no AWS region: pass --region or set AWS_REGION")
	}
	return apigw.Stage{Flusher: apigw.NewFlusher(apigateway.NewFromConfig(cfg)), RestAPIID: restAPIID, Name: stage}, nil
}

// logger writes the service's warnings (a failed flush) to stderr as text.
func (c *cli) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(c.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}
