// Package lambdaenv is what every keygate Lambda, the authorizer included,
// does the same way at start: read the table, DynamoDB endpoint, region and
// log level from the environment once, build the JSON logger, and stop the
// init with the reason when wiring fails.
//
// It links nothing beyond the standard library and shared/awsenv, so the
// authorizer's cold start does not pay for the HTTP functions' packages;
// those add CORS on top (functions/internal/fnenv).
package lambdaenv
