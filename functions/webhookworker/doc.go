// Package webhookworker is WebhookWorkerFunction: it makes one attempt of
// each delivery the queue hands it (webhooks.Worker) and tells the queue
// what comes next — nothing after a delivery or a dead letter, the next
// attempt by the message's visibility after a failure — reporting the
// messages to keep as batch item failures, so one receiver's failures never
// hold another's deliveries.
package webhookworker
