// Package metrics turns keygate's JSON log lines into CloudWatch metrics
// with the Embedded Metric Format: a line that carries an "_aws" object
// naming some of its own root fields as metrics, and others as dimensions,
// is read by CloudWatch Logs as those metrics — no API call, no agent, no
// extra line. The authorizer's decision line and the webhook worker's
// outcome line carry it. Dimensions are bounded sets (a decision, a
// reason, an outcome), never a key, user or endpoint id.
package metrics
