// Package e2e holds keygate's end-to-end tests: real HTTP to the local API
// Gateway (dev/gateway, configured from template.yaml) on a loopback
// port, with DynamoDB Local behind it, the real authorizer and functions
// in-process, the admin CLI, the spec's own client examples (cURL, Node
// fetch and axios, Python requests, PHP curl) and the real bootstrap
// binaries under the Lambda Runtime API harness. Run them with
// `go test ./e2e/`; they fail, with the install command, when a client
// interpreter or package is missing.
package e2e
