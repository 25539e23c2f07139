// Package webhookdelivery is the Lambda behind the table's DynamoDB stream:
// for every inserted audit event (and test ping) it sends a signed POST to
// each of the user's endpoints that subscribes to it (shared/webhooks),
// retrying with backoff, and dead-letters what never got through to an SQS
// queue. The event-source mapping's filter (template.yaml) wakes it only
// for those inserts; it reports the first record it could not finish, so
// the stream retries from there and nothing is lost.
package webhookdelivery
