// Package webhookdelivery is WebhookDeliveryFunction, the Lambda behind
// the table's DynamoDB stream: for every inserted audit event, test ping
// and replay it queues one task per endpoint that wants it on the delivery
// queue (WebhookDeliveryQueue), which functions/webhookworker attempts. It
// makes no HTTP request, so no receiver can hold the stream. The
// event-source mapping's filter (template.yaml) wakes it only for those
// inserts; it reports the first record it could not queue, so the stream
// retries from there and nothing is lost.
package webhookdelivery
