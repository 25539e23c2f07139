// Package webhookworker is WebhookWorkerFunction: it makes one attempt of
// each delivery the queue hands it (webhooks.Worker) — after a failure the
// next attempt is queued as a new, delayed message — and reports only the
// messages it could not process as batch item failures, so one receiver's
// failures never hold another's deliveries.
package webhookworker
