// Package sqsmapping is the local stack's stand-in for Lambda's SQS
// event-source mapping, configured from the template's mapping
// (samtemplate.SQSMapping: a function's `Type: SQS` event). It long-polls
// the queue on the local SQS server (dev/sqslocal) through the real SDK,
// hands the function's handler aws-lambda-go's events.SQSEvent in batches of
// at most BatchSize, gathered for up to MaximumBatchingWindowInSeconds, with
// at most ScalingConfig.MaximumConcurrency invocations in flight, and then
// deletes the messages the invocation succeeded with: all of them when the
// handler returns no error, all but the reported ones with
// ReportBatchItemFailures, none when it returns an error. Messages it does
// not delete come back when their visibility timeout ends, and the queue's
// redrive policy (applied by the server, not here) moves them to the
// dead-letter queue after maxReceiveCount receives, as on AWS.
//
// Each behaviour cites the AWS documentation it follows where it is
// implemented (poller.go). Local only: on AWS, Lambda does this.
package sqsmapping
