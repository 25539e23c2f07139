package awsenv

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"

	"keygate/shared/lambdaenv"
)

// ErrNoCredentials means the environment holds no AWS credentials.
var ErrNoCredentials = errors.New("awsenv: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")

// Credentials returns the credentials of a (AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN), or ErrNoCredentials.
func Credentials(a lambdaenv.AWS) (aws.CredentialsProvider, error) {
	if a.AccessKeyID == "" || a.SecretAccessKey == "" {
		return nil, ErrNoCredentials
	}
	creds := aws.Credentials{
		AccessKeyID:     a.AccessKeyID,
		SecretAccessKey: a.SecretAccessKey,
		SessionToken:    a.SessionToken,
		Source:          "EnvironmentVariables",
	}
	return aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return creds, nil
	}), nil
}

// LocalCredentials are placeholder credentials for DynamoDB Local and other
// local endpoints, which check only that the access key is alphanumeric.
func LocalCredentials() aws.CredentialsProvider {
	creds := aws.Credentials{AccessKeyID: "keygatelocal", SecretAccessKey: "keygatelocal", Source: "keygate-local"}
	return aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return creds, nil
	})
}

// CredentialsOrLocal returns Credentials(a) or, when a has none and local
// is true (the process talks to a custom endpoint such as DynamoDB Local or
// sam local), LocalCredentials. Without local, missing credentials are
// ErrNoCredentials.
func CredentialsOrLocal(a lambdaenv.AWS, local bool) (aws.CredentialsProvider, error) {
	creds, err := Credentials(a)
	if err != nil && local {
		return LocalCredentials(), nil
	}
	return creds, err
}
