// Package dynamolocal runs AWS's DynamoDB Local for keygate's tests and for
// `make run`, so storage code is exercised against a real DynamoDB-protocol
// server through the real SDK, without Docker or an AWS account.
//
// The emulator jar ships inside the npm package amplify-dynamodb-simulator.
// Install fetches a pinned version with `npm pack`, checks the tarball's
// integrity against a pinned SHA-512, and unpacks package/emulator into a
// git-ignored cache (.cache/dynamodb-local under the module root, or
// $KEYGATE_CACHE_DIR). Start runs it with Java 17 on a free loopback port and
// Stop ends exactly the process Start began.
//
// Tests use Endpoint, NewTestTable and Main: one server per test binary, one
// fresh table per test, so tests can run in parallel. DYNAMODB_ENDPOINT points
// them at an existing server instead.
package dynamolocal
