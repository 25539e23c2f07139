// Package deliveryqueue is the webhook delivery queue on SQS: the stream's
// fan-out sends one message per delivery (SendTasks), the worker sends a
// delivery's next attempt as a delayed message (Requeue), and what never
// got through goes to the dead-letter queue (DeadLetters). It is the one
// place keygate calls SQS.
package deliveryqueue
