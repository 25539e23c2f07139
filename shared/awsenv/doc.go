// Package awsenv turns the region and credentials that Lambda puts in a
// function's environment (read by shared/lambdaenv, as lambdaenv.AWS) into
// the SDK's credentials, without the SDK's shared-config loader.
//
// keygate's Lambdas build their SDK clients from these values directly:
// aws-sdk-go-v2/config links the SSO, SSO-OIDC, STS and sign-in clients for
// its credential chain, and their package initialisation costs the authorizer
// several milliseconds of every cold start (see docs/benchmarks.md). Inside
// Lambda the execution role's credentials are in the environment, which is
// the first place that chain looks anyway. The admin CLI, which runs on
// operators' machines with profiles and SSO, keeps the full loader.
package awsenv
