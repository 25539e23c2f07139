package assertion

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"keygate/shared/awsenv"
	"keygate/shared/lambdaenv"
)

// SecretsAPI is the Secrets Manager call a SecretSource makes.
type SecretsAPI interface {
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, opts ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

// SecretSource reads the key set from the secret secretID (name or ARN).
func SecretSource(api SecretsAPI, secretID string) Source {
	return func(ctx context.Context) ([]byte, error) {
		out, err := api.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(secretID)})
		if err != nil {
			return nil, fmt.Errorf("assertion: read signing key secret: %w", err)
		}
		if out.SecretString == nil {
			return nil, errors.New("assertion: signing key secret has no SecretString")
		}
		return []byte(*out.SecretString), nil
	}
}

// NewSecretsClient builds a Secrets Manager client once, at start, from the
// region and credentials Lambda puts in the environment (as store.Open
// does).
func NewSecretsClient(a lambdaenv.AWS) (*secretsmanager.Client, error) {
	region := a.Region
	if region == "" {
		return nil, errors.New("assertion: no AWS region: set AWS_REGION")
	}
	creds, err := awsenv.Credentials(a)
	if err != nil {
		return nil, err
	}
	return secretsmanager.New(secretsmanager.Options{Region: region, Credentials: creds, RetryMaxAttempts: 3}), nil
}

// FileSource reads the key set from a file: the local stack's.
func FileSource(path string) Source {
	return func(context.Context) ([]byte, error) {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("assertion: read signing key file: %w", err)
		}
		return b, nil
	}
}

// EnsureFile creates the key file at path with a new key set (mode 0600,
// its folder 0700) when there is none; an existing file is left alone. The
// local stack calls it, so that a fresh checkout signs with its own key.
func EnsureFile(path string) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil // created meanwhile by another process
	}
	if err != nil {
		return err
	}
	if _, err := f.Write(NewKeySet().Marshal()); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// WriteFile replaces the key file atomically (rename), mode 0600.
func WriteFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".signing-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Publisher records public keys where the JWKS endpoint reads them (the
// table: shared/store).
type Publisher interface {
	// PublishSigningKey records kid's public JWK, shown until until (zero:
	// until retired); a kid already recorded is left as it is.
	PublishSigningKey(ctx context.Context, kid string, jwk []byte, until time.Time) error
	// RetireSigningKey sets when kid leaves the JWKS.
	RetireSigningKey(ctx context.Context, kid string, until time.Time) error
}

// Publish records the public half of every key in k. The authorizer calls
// it at start, so the key CloudFormation generated is published without
// anyone deriving it by hand.
func Publish(ctx context.Context, k Keys, pub Publisher) error {
	for _, p := range k.Published() {
		if err := pub.PublishSigningKey(ctx, p.Key.ID, p.Key.publicJSON(), p.Until); err != nil {
			return err
		}
	}
	return nil
}

// Document is where the key set is kept, read and written by rotation.
type Document interface {
	Read(ctx context.Context) ([]byte, error)
	Write(ctx context.Context, data []byte) error
}

// FileDocument is the local stack's key set file as a Document.
type FileDocument string

// Read reads the file.
func (f FileDocument) Read(ctx context.Context) ([]byte, error) { return FileSource(string(f))(ctx) }

// Write replaces the file (WriteFile).
func (f FileDocument) Write(_ context.Context, data []byte) error { return WriteFile(string(f), data) }

// Rotate replaces the signing key: it publishes a new key first, then
// writes the set with the new key signing PublishDelay from now, then
// retires the old key from the JWKS RetainAfterRotation after that. It
// returns the new and the old key ids. A failure after the publish leaves a
// published key that never signs, which is harmless; run it again.
func Rotate(ctx context.Context, doc Document, pub Publisher, now time.Time) (newKid, oldKid string, err error) {
	data, err := doc.Read(ctx)
	if err != nil {
		return "", "", err
	}
	set, err := ParseKeySet(data)
	if err != nil {
		return "", "", err
	}
	old, err := DeriveKey(set.Seed)
	if err != nil {
		return "", "", err
	}
	next := set.Rotate(NewSeed(), now)
	nk, err := DeriveKey(next.Seed)
	if err != nil {
		return "", "", err
	}
	// The old key first, in case no authorizer has published it yet (a
	// rotation before the first start): retiring needs its record.
	if err := pub.PublishSigningKey(ctx, old.ID, old.publicJSON(), time.Time{}); err != nil {
		return "", "", err
	}
	if err := pub.PublishSigningKey(ctx, nk.ID, nk.publicJSON(), time.Time{}); err != nil {
		return "", "", err
	}
	if err := doc.Write(ctx, next.Marshal()); err != nil {
		return "", "", err
	}
	if err := pub.RetireSigningKey(ctx, old.ID, time.Unix(next.Previous[0].Until, 0)); err != nil {
		return "", "", err
	}
	return nk.ID, old.ID, nil
}
