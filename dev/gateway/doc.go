// Package gateway emulates the parts of Amazon API Gateway (REST, v1) that
// keygate depends on, so the whole product runs and is tested on one machine
// without Docker or an AWS account.
//
// A Gateway serves HTTP like a deployed REST API stage does:
//
//   - it matches the request to a route (resources with {param} and greedy
//     {proxy+} segments, exact segments preferred);
//   - for routes behind the REQUEST Lambda authorizer it requires the identity
//     source header, builds the authorizer event exactly as API Gateway does,
//     caches the authorizer's result per identity-source value for the TTL,
//     and evaluates the returned IAM policy against the method ARN (explicit
//     Deny wins, an Allow must match, `*` and `?` wildcards as in IAM);
//   - it maps authorizer outcomes to gateway response types (UNAUTHORIZED,
//     ACCESS_DENIED, AUTHORIZER_FAILURE, AUTHORIZER_CONFIGURATION_ERROR) and
//     renders the template's GatewayResponses, with DEFAULT_4XX/DEFAULT_5XX
//     fallback and $context substitution;
//   - it invokes the integration with a Lambda proxy event whose
//     requestContext.authorizer carries principalId and the stringified
//     context, and writes the proxy response back.
//
// Handlers are plain Go functions (Authorizer, Function), so the same engine
// serves in-process handlers (dev/localapi) and test fakes. Gateway
// implements the apikeys function's CacheFlusher, so revoking a key flushes
// the local authorizer cache the way FlushStageAuthorizersCache does on AWS.
package gateway
