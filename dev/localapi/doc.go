// Command localapi runs keygate on one machine, without Docker or an AWS
// account.
//
//	localapi [serve] [-addr 127.0.0.1:3000] [-template template.yaml] [-data .local/dynamodb]
//	                 [-param Name=Value]... [-endpoint URL] [-table keygate-local]
//	localapi invoke -function <LogicalId> -event <file> [-template template.yaml] [-endpoint URL]
//
// serve (`make run`) starts DynamoDB Local with its data under -data (unless
// -endpoint or DYNAMODB_ENDPOINT names another DynamoDB), creates the table
// if missing, seeds a demo user, workspace and a fresh key, and serves the
// API as API Gateway would, from template.yaml: routes, the REQUEST
// authorizer and its cache TTL, the GatewayResponses and Cors. Paths are
// served without the stage prefix, as `sam local start-api` does, and with
// it. Once ready it prints KEYGATE_URL, KEYGATE_API_KEY and
// KEYGATE_WORKSPACE_ID lines and a curl command; Ctrl-C stops everything
// it started.
//
// invoke (`make invoke`) builds one function's bootstrap for this machine
// and runs it under the Lambda Runtime API harness with the template's
// environment, prints the function's response on stdout and exits non-zero
// when the function fails, as `sam local invoke` does.
package main
