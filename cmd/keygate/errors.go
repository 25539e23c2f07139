package main

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/aws/smithy-go"

	"keygate/shared/apperr"
	"keygate/shared/store"
)

// errHelp means help was printed: exit 0.
var errHelp = errors.New("help requested")

// usageError is bad input caught before anything was sent to DynamoDB.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usageErrorf(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// isUsage reports whether err is the caller's bad input: a usage error, or a
// BadRequest from the store (which validates before it writes).
func isUsage(err error) bool {
	var ue *usageError
	return errors.As(err, &ue) || apperr.Is(err, apperr.BadRequest)
}

// describe turns err into the message the operator sees: what went wrong and
// where, without the SDK's layers of wrapping.
func (c *cli) describe(err error) string {
	var (
		ue  *usageError
		ae  *apperr.Error
		oe  *net.OpError
		ne  net.Error
		api smithy.APIError
	)
	switch {
	case errors.As(err, &ue):
		return ue.msg
	case errors.As(err, &ae):
		return ae.Message
	case store.IsTableMissing(err):
		return fmt.Sprintf("table %q not found at %s (create it with: keygate table create)", c.g.table, c.where())
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("no answer from DynamoDB at %s within %s", c.where(), c.g.timeout)
	case errors.Is(err, context.Canceled):
		return "interrupted"
	case errors.As(err, &oe): // "dial tcp 127.0.0.1:1: connect: connection refused"
		return fmt.Sprintf("cannot reach DynamoDB at %s: %v", c.where(), oe)
	case errors.As(err, &ne):
		return fmt.Sprintf("cannot reach DynamoDB at %s: %v", c.where(), ne)
	case errors.As(err, &api):
		return fmt.Sprintf("DynamoDB at %s: %s: %s", c.where(), api.ErrorCode(), api.ErrorMessage())
	}
	return err.Error()
}

// where names the DynamoDB the command talks to, and where its endpoint
// came from: a DYNAMODB_ENDPOINT left in the shell from an earlier make run
// is the usual cause of "connection refused".
func (c *cli) where() string {
	if c.g.endpoint != "" {
		if c.g.endpoint == c.getenv("DYNAMODB_ENDPOINT") {
			return c.g.endpoint + " (from DYNAMODB_ENDPOINT in your environment; unset it or pass --endpoint)"
		}
		return c.g.endpoint + " (from --endpoint)"
	}
	if c.g.region != "" {
		return "AWS " + c.g.region
	}
	return "AWS"
}
