// Package fnenv reads the environment settings every keygate HTTP function
// shares once at start: those of every Lambda (shared/lambdaenv: table,
// DynamoDB endpoint, region, log level) and the CORS origin, with errors that
// name the variable at fault.
package fnenv
