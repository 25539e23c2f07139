// Command keygate is the operator's admin CLI for keygate's DynamoDB table:
// it creates the table, syncs users, workspaces and memberships in, and
// creates, lists and revokes API keys, against AWS or any DynamoDB-compatible
// endpoint such as DynamoDB Local.
//
// Usage:
//
//	keygate [global flags] <group> <command> [flags] [args]
//
//	keygate table create [--if-not-exists]
//	keygate user put <userId> [--name NAME] [--email EMAIL]
//	keygate user get|disable|enable <userId>
//	keygate workspace put <workspaceId> [--name NAME]
//	keygate workspace get <workspaceId>
//	keygate member put <userId> <workspaceId> --role owner|admin|readOnly
//	keygate member rm <userId> <workspaceId>
//	keygate member ls <userId>
//	keygate key create <userId> --name NAME [--scopes read,write,admin,webhook] [--expires 2030-01-01T00:00:00Z|720h|30d] [--prefix sk] [--quiet]
//	keygate key ls <userId> [--limit N]
//	keygate key revoke <userId> <keyId>
//
// Global flags, accepted before the group or after the command: --table
// (env KEYGATE_TABLE, then TABLE_NAME), --endpoint (env DYNAMODB_ENDPOINT;
// empty means AWS), --region (env AWS_REGION), --json, --timeout. key
// create's --prefix defaults to KEY_PREFIX, then sk. Every group and command
// takes --help.
//
// key create prints the token once; only its SHA-256 hash is stored. Bad
// input (an invalid id, an unknown role or scope, a missing table, an
// unreachable endpoint) exits non-zero with one line on stderr, and every
// argument is checked before anything is written.
package main
