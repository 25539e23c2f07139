// Package store maps keygate's domain (shared/keys) onto its single DynamoDB
// table: it implements keys.Store and the operators' user, workspace and
// membership writes.
//
// One table holds users, workspaces, memberships and API keys:
//
//	item        pk               sk               gsi1pk           gsi1sk
//	user        USER#<userId>    USER
//	workspace   WS#<wsId>        WS
//	membership  USER#<userId>    WS#<wsId>        WS#<wsId>        USER#<userId>
//	API key     KEY#<keyId>      KEY              USER#<userId>    KEY#<createdAt>#<keyId>
//
// A key item holds the SHA-256 hash of its token, never the token. Verify is a
// single conditional UpdateItem; its outcome (valid, not found, expired) is a
// VerifyResult value, and only an infrastructure failure is an error.
// Application errors (not found, conflict, bad input) are *apperr.Error values.
package store
