// Package fntest builds what the functions' tests need: API Gateway proxy
// events whose requestContext.authorizer is exactly what the authorizer
// returns (access.Allow), the repository's sample events (events/), users
// and workspaces in a DynamoDB Local table, table snapshots (SDK Scan) to
// prove a request changed nothing, and helpers to read the error envelope.
package fntest
