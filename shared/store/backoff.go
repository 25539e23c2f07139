package store

import (
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// The SDK's default backoff waits up to 2^attempt seconds (full jitter)
// between attempts: a throttled call of the authorizer, whose invocation has
// about a second, would sleep through its deadline and fail closed where
// its next attempt might have been served. DynamoDB's guidance is
// exponential backoff from tens of milliseconds
// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html#Programming.Errors.RetryAndBackoff),
// so the clients wait full jitter of retryBase × 2^attempt, at most
// retryCap.
const (
	retryBase = 25 * time.Millisecond
	retryCap  = 400 * time.Millisecond
)

// shortBackoff is the retryer's backoff: full jitter, from retryBase.
type shortBackoff struct{}

// BackoffDelay is the wait before attempt+1.
func (shortBackoff) BackoffDelay(attempt int, _ error) (time.Duration, error) {
	d := retryCap
	if attempt < 5 {
		d = min(retryCap, retryBase<<attempt)
	}
	return rand.N(d) + time.Millisecond, nil // jitter spreads retries, no secret
}

// newRetryer is the SDK's standard retryer with shortBackoff and, when
// maxAttempts is set, that many attempts.
func newRetryer(maxAttempts int) aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.Backoff = shortBackoff{}
		if maxAttempts > 0 {
			o.MaxAttempts = maxAttempts
		}
	})
}
