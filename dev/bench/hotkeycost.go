package main

import (
	"fmt"
	"strings"
	"time"

	"keygate/shared/keys"
)

// The authorization cost model, with the prices of cost.go: the billed
// duration it assumes for an uncached authorization, the hot key's rate per
// Lambda instance (one request at a time: at 10 ms, up to 100 a second),
// and the cached row's key: cachedRate requests a second, cached for
// cachedTTL.
const (
	authorizerDuration = 10 * time.Millisecond
	hotKeyPerInstance  = 100.0
	cachedRate         = 1000.0
	cachedTTL          = 300 * time.Second
)

// costRow is what one authorization costs.
type costRow struct {
	name             string
	invocations      float64 // Lambda invocations per authorization
	writes, reads    float64 // DynamoDB request units per authorization
	formula, comment string
}

// dollarsPerMillion is the cost of a million authorizations.
func (c costRow) dollarsPerMillion() (dynamo, lambda float64) {
	dynamo = c.writes*dynamoPerMillionWrites + c.reads*dynamoPerMillionReads
	lambda = c.invocations * (lambdaPerMillionRequests + 1e6*authorizerDuration.Seconds()*workerMemoryGB*lambdaPerGBSecondArm)
	return dynamo, lambda
}

// authorizationCost is the cost per million authorizations for a normal
// key, a hot key on lanes and a cached key, with the formula.
func authorizationCost() string {
	const refreshReads = 3.0 // the key's item (1 unit) and the user (profile and membership, 2 units)
	refreshes := float64(time.Second) / float64(keys.LaneRefresh)
	miss := 1 / (cachedRate * cachedTTL.Seconds())
	rows := []costRow{
		{"normal key, cache off", 1, 1, 2, "W + 2R + L", "one write of the key's item; one read of the profile and the membership"},
		{"hot key (lanes), cache off", 1, 1, refreshReads * refreshes / hotKeyPerInstance,
			fmt.Sprintf("W + 3R × %.0f/s ÷ %.0f/s + L", refreshes, hotKeyPerInstance),
			fmt.Sprintf("one write of a lane; the key and its user read once per instance every %s, at %.0f requests a second per instance", keys.LaneRefresh, hotKeyPerInstance)},
		{"any key, cache on", miss, miss, 2 * miss, fmt.Sprintf("(W + 2R + L) ÷ (%.0f/s × %s)", cachedRate, cachedTTL),
			fmt.Sprintf("one miss per token every TTL: a key at %.0f requests a second, TTL %s", cachedRate, cachedTTL)},
	}
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	p("### Cost per million authorizations on AWS\n\n")
	p("W = $%.3f per million write units and R = $%.3f per million read units (DynamoDB on-demand); L = $%.2f per million Lambda requests plus %.2f GB × %s billed × $%.10f per GB-second (arm64): the prices of cost.go. Items under 1 KB take one write unit per write and one read unit per strongly consistent read (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html). API Gateway's own price per request is the same for every row and left out.\n\n",
		dynamoPerMillionWrites, dynamoPerMillionReads, lambdaPerMillionRequests, workerMemoryGB, authorizerDuration, lambdaPerGBSecondArm)
	p("| authorization | per authorization | DynamoDB $/M | Lambda $/M | total $/M | model |\n|---|---|---|---|---|---|\n")
	for _, c := range rows {
		d, l := c.dollarsPerMillion()
		p("| %s | %s | %.6f | %.6f | %.6f | %s |\n", c.name, c.formula, d, l, d+l, c.comment)
	}
	p("\n")
	return b.String()
}
