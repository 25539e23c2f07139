package main

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"keygate/shared/assertion"
)

// signingKeyRotate: keygate signing-key rotate (--secret ID | --key-file PATH)
func (c *cli) signingKeyRotate(args []string) error {
	fs := c.newFlagSet("signing-key rotate", "", "Replace the identity assertion's signing key: the new key is published in the JWKS at once and signs "+
		assertion.PublishDelay.String()+" later; the old one stays published until "+assertion.RetainAfterRotation.String()+" after that, until every assertion it signed has expired.")
	secret := fs.String("secret", "", "the signing key's Secrets Manager secret `id` (name or ARN; the stack's SigningKeySecret)")
	file := fs.String("key-file", "", "the local stack's signing key `file` (make run: .local/signing-key.json)")
	if _, err := fs.parse(args); err != nil {
		return err
	}
	if (*secret == "") == (*file == "") {
		return usageErrorf("signing-key rotate: give exactly one of --secret and --key-file")
	}
	st, err := c.connect()
	if err != nil {
		return err
	}
	var doc assertion.Document = assertion.FileDocument(*file)
	if *secret != "" {
		api, err := c.secretsClient()
		if err != nil {
			return err
		}
		doc = secretDocument{api: api, id: *secret}
	}
	now := time.Now()
	newKid, oldKid, err := assertion.Rotate(c.ctx, doc, st, now)
	if err != nil {
		return err
	}
	v := struct {
		NewKid   string `json:"newKid"`
		SignFrom string `json:"signsFrom"`
		OldKid   string `json:"oldKid"`
		OldUntil string `json:"oldPublishedUntil"`
	}{newKid, now.Add(assertion.PublishDelay).UTC().Format(time.RFC3339), oldKid,
		now.Add(assertion.PublishDelay + assertion.RetainAfterRotation).UTC().Format(time.RFC3339)}
	return c.emit(v, func() error {
		return c.printFields("new key", v.NewKid, "signs from", v.SignFrom, "old key", v.OldKid, "old key published until", v.OldUntil)
	})
}

// signingKeyList: keygate signing-key ls
func (c *cli) signingKeyList(args []string) error {
	fs := c.newFlagSet("signing-key ls", "", "List the public keys the JWKS (GET /open/.well-known/jwks.json) serves now.")
	_, st, err := c.parseAndConnect(fs, args)
	if err != nil {
		return err
	}
	published, err := st.SigningKeys(c.ctx, time.Now())
	if err != nil {
		return err
	}
	type row struct {
		Kid   string  `json:"kid"`
		Until *string `json:"publishedUntil"`
	}
	rows := make([]row, len(published))
	text := make([][]string, len(published))
	for i, k := range published {
		rows[i] = row{Kid: k.KID}
		if !k.Until.IsZero() {
			u := k.Until.UTC().Format(time.RFC3339)
			rows[i].Until = &u
		}
		text[i] = []string{k.KID, orDash(rows[i].Until)}
	}
	return c.emit(rows, func() error { return c.printTable([]string{"KID", "PUBLISHED UNTIL"}, text) })
}

// secretsAPI is what rotation calls of Secrets Manager.
type secretsAPI interface {
	assertion.SecretsAPI
	PutSecretValue(ctx context.Context, in *secretsmanager.PutSecretValueInput, opts ...func(*secretsmanager.Options)) (*secretsmanager.PutSecretValueOutput, error)
}

// secretDocument is the stack's SigningKeySecret: a new version of it
// becomes AWSCURRENT, which the authorizers read at their next start or
// hourly refresh.
type secretDocument struct {
	api secretsAPI
	id  string
}

func (d secretDocument) Read(ctx context.Context) ([]byte, error) {
	return assertion.SecretSource(d.api, d.id)(ctx)
}

func (d secretDocument) Write(ctx context.Context, data []byte) error {
	if _, err := d.api.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String(d.id), SecretString: aws.String(string(data))}); err != nil {
		return fmt.Errorf("write signing key secret: %w", err)
	}
	return nil
}

// secretsClient builds a Secrets Manager client from the SDK's
// configuration chain, as the DynamoDB client against AWS.
func (c *cli) secretsClient() (secretsAPI, error) {
	cfg, err := c.awsConfig()
	if err != nil {
		return nil, err
	}
	return secretsmanager.NewFromConfig(cfg), nil
}
