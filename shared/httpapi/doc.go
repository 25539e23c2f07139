// Package httpapi is what keygate's HTTP functions share: JSON responses, the
// error envelope {"error":{"code","message"}}, the one table from
// apperr.Code to HTTP status, strict JSON request decoding (64 KiB limit,
// JSON only, unknown fields and trailing data rejected) and CORS headers.
//
// NewMux serves a function's routes from the route table; on a key route it
// resolves the caller from the authorizer's context once, before the
// handler runs, and hands it to the handler (KeyHandlerFunc): a request
// without a valid context never reaches one.
//
// Clients never see internal error text: an error that is not an
// *apperr.Error (or carries apperr.Internal) is logged with slog and answered
// with INTERNAL_SERVER_ERROR and a generic message.
package httpapi
