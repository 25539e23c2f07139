// Package fnenv reads the environment settings every keygate function shares
// (table, DynamoDB endpoint, region, CORS origin, log level) once at start,
// with errors that name the variable at fault.
package fnenv
