// Package streams is the local stack's stand-in for Lambda's DynamoDB
// stream event-source mapping: it polls DynamoDB Local's stream of the
// table, keeps the records the mapping's filter patterns match (as the
// template writes them), and invokes the function's handler with
// aws-lambda-go's DynamoDB event, in batches, retrying from the record the
// handler reports failed (ReportBatchItemFailures) up to the mapping's
// MaximumRetryAttempts. Local only: on AWS, Lambda does this.
package streams
