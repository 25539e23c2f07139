package webhookdelivery

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"keygate/shared/awsenv"
	"keygate/shared/lambdaenv"
	"keygate/shared/webhooks"
)

// SQSAPI is the one SQS call dead-lettering makes.
type SQSAPI interface {
	SendMessage(ctx context.Context, in *sqs.SendMessageInput, opts ...func(*sqs.Options)) (*sqs.SendMessageOutput, error)
}

// SQSDeadLetters sends dead letters to the template's
// WebhookDeadLetterQueue.
type SQSDeadLetters struct {
	API      SQSAPI
	QueueURL string
}

// Send enqueues d as JSON.
func (q SQSDeadLetters) Send(ctx context.Context, d webhooks.DeadLetter) error {
	b, err := json.Marshal(d)
	if err != nil {
		return err
	}
	if _, err := q.API.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(q.QueueURL), MessageBody: aws.String(string(b))}); err != nil {
		return fmt.Errorf("sqs send: %w", err)
	}
	return nil
}

// newSQSClient builds the SQS client once, from the region and credentials
// Lambda puts in the environment (placeholders when local and unset).
func newSQSClient(a lambdaenv.AWS, local bool) (*sqs.Client, error) {
	creds, err := awsenv.CredentialsOrLocal(a, local)
	if err != nil {
		return nil, err
	}
	return sqs.New(sqs.Options{Region: a.Region, Credentials: creds}), nil
}
