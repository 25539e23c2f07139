package main

import (
	"fmt"
	"strings"
)

// AWS list prices (us-east-1, December 2026) that the cost per million
// deliveries is computed from:
// https://aws.amazon.com/sqs/pricing/, https://aws.amazon.com/lambda/pricing/,
// https://aws.amazon.com/dynamodb/pricing/on-demand/.
const (
	sqsPerMillionRequests    = 0.40         // standard queue, per million requests (64 KB each)
	lambdaPerMillionRequests = 0.20         // per million invocations
	lambdaPerGBSecondArm     = 0.0000133334 // arm64, per GB-s
	dynamoPerMillionWrites   = 0.625        // on-demand write request units
	dynamoPerMillionReads    = 0.125        // on-demand read request units
	workerMemoryGB           = 0.25         // the template's MemorySize: 256
)

// Per delivery delivered at its first attempt (docs/webhooks.md, "Cost"):
// the fan-out's SendMessageBatch, the event source's ReceiveMessage and
// DeleteMessageBatch, each carrying up to ten messages; the attempt's
// table calls: the endpoint and the log entry read (strongly consistent,
// 1 RRU each), the endpoint's and the user's slots read (0.5 RRU each) and
// taken and freed (4 WRU), the log entry written (2 WRU: the kept body).
const (
	sqsRequestsPerBatch  = 3.0
	readUnitsPerAttempt  = 3.0
	writeUnitsPerAttempt = 6.0
)

// deliveryCost renders the cost per million deliveries on AWS for one
// delivery per batch (a quiet queue) and ten (a busy one), with the
// formula.
func deliveryCost() string {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	p("### Cost per million deliveries on AWS\n\n")
	p("Per million deliveries that succeed at their first attempt, with a receiver answering in d = 100 ms and n deliveries per worker batch: SQS = 3/n × 1 M requests × $%.2f/M; Lambda = 1/n M invocations × $%.2f/M + 1/n M × %.2f GB × (d + 30 ms of table calls) × $%.10f/GB-s; DynamoDB = %.0f M WRU × $%.3f/M + %.0f M RRU × $%.3f/M. Each retry adds a SendMessage (the next attempt, a delayed message; one per 15 minutes of its wait), a receive, a delete and its attempt's table calls; the fan-out's own Lambda time is one invocation per stream batch of up to 25 events.\n\n",
		sqsPerMillionRequests, lambdaPerMillionRequests, workerMemoryGB, lambdaPerGBSecondArm, writeUnitsPerAttempt, dynamoPerMillionWrites, readUnitsPerAttempt, dynamoPerMillionReads)
	p("| deliveries per batch | SQS | Lambda | DynamoDB | total |\n|---|---|---|---|---|\n")
	for _, n := range []float64{1, 10} {
		sqs := sqsRequestsPerBatch / n * sqsPerMillionRequests
		lambda := 1/n*lambdaPerMillionRequests + 1e6/n*workerMemoryGB*0.130*lambdaPerGBSecondArm
		dynamo := writeUnitsPerAttempt*dynamoPerMillionWrites + readUnitsPerAttempt*dynamoPerMillionReads
		p("| %.0f | $%.2f | $%.2f | $%.2f | $%.2f |\n", n, sqs, lambda, dynamo, sqs+lambda+dynamo)
	}
	p("\nThe table's writes dominate: the attempt slots that keep one tenant's endpoints from holding the worker cost four of the six. Prices: us-east-1 list prices of December 2026, after the free tiers.\n\n")
	return b.String()
}
