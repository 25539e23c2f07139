// Package usageaggregator is UsageAggregatorFunction: it reads the table's
// stream for key and lane items and adds each key's uses to its hourly and
// daily buckets (store.RecordUsage), one transaction per item per batch, so
// GET /open/apikeys/{keyId}/usage and the API Keys page's chart read a
// key's history without any work on the authorizer's path.
package usageaggregator
