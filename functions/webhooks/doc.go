// Package webhooks is the Lambda behind /open/webhooks: register, list,
// read, change and delete a user's webhook endpoints, send one a test ping,
// and read its delivery log. Only keys with the webhook scope reach it (the
// authorizer's policy), and it checks the scope again. The use cases are
// shared/webhooks'; this package is their HTTP transport.
package webhooks
