// Package lambdaenv is what every keygate Lambda, the authorizer included,
// does the same way at start: read its settings from the environment once
// (env.go, the one file that reads the environment: every variable
// template.yaml sets is documented there), build the JSON logger, and stop
// the init with the reason when wiring fails. The bootstraps, the local
// gateway (dev/gateway/inproc) and the tests all go through it: the first
// with OS, the others with Map.
//
// It links no AWS SDK: each Lambda builds only the clients it uses, in its
// Wire, from the typed settings (store.Open for DynamoDB, shared/awsenv for
// the credentials), so ConfigFunction, which has no table, links none.
package lambdaenv
