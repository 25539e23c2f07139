package awsenv

import (
	"context"
	"errors"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Getenv is how the package reads the environment (os.Getenv in production).
type Getenv func(string) string

// Region returns AWS_REGION, else AWS_DEFAULT_REGION, else "", trimmed:
// every reader of the region (the functions' settings, store.NewClient) sees
// the same value.
func Region(getenv Getenv) string {
	if r := strings.TrimSpace(getenv("AWS_REGION")); r != "" {
		return r
	}
	return strings.TrimSpace(getenv("AWS_DEFAULT_REGION"))
}

// ErrNoCredentials means the environment holds no AWS credentials.
var ErrNoCredentials = errors.New("awsenv: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")

// Credentials returns the credentials in AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, or ErrNoCredentials.
func Credentials(getenv Getenv) (aws.CredentialsProvider, error) {
	id, secret := getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY")
	if id == "" || secret == "" {
		return nil, ErrNoCredentials
	}
	creds := aws.Credentials{
		AccessKeyID:     id,
		SecretAccessKey: secret,
		SessionToken:    getenv("AWS_SESSION_TOKEN"),
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

// CredentialsOrLocal returns Credentials(getenv) or, when the environment
// has none and local is true (the process talks to a custom endpoint such as
// DynamoDB Local or sam local), LocalCredentials. Without local, missing
// credentials are ErrNoCredentials.
func CredentialsOrLocal(getenv Getenv, local bool) (aws.CredentialsProvider, error) {
	creds, err := Credentials(getenv)
	if err != nil && local {
		return LocalCredentials(), nil
	}
	return creds, err
}
