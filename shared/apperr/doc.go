// Package apperr defines keygate's one application error type.
//
// Every error a client may see is an *Error with a Code and a Message that is
// safe to show. Any other error is an infrastructure failure: it is logged by
// the server and reaches the client only as INTERNAL_SERVER_ERROR with a
// generic message. The mapping from Code to HTTP status lives in one table in
// shared/httpapi.
package apperr
