// Package deliveryqueue is the webhook delivery queue on SQS: the stream's
// fan-out sends one message per delivery (SendTasks), the worker schedules a
// delivery's next attempt by the message's visibility (Defer), and what
// never got through goes to the dead-letter queue (DeadLetters). It is the
// one place keygate calls SQS.
package deliveryqueue
