// Package iamcheck checks the DynamoDB and SQS requests a function really sends
// against the IAM statements template.yaml gives its role.
//
// DynamoDB Local and goaws do not enforce IAM, so a policy that misses an action, a
// table or index, or a partition (dynamodb:LeadingKeys) would pass every
// local test and fail only on AWS. Tests put a Recorder on the function's
// SDK client, drive the function through its outcomes, and require each
// recorded Request to be Allowed by the function's statements.
package iamcheck
