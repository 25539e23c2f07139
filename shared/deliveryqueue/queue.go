package deliveryqueue

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"keygate/shared/awsenv"
	"keygate/shared/lambdaenv"
	"keygate/shared/webhooks"
)

// API is the SQS calls keygate makes.
type API interface {
	SendMessage(ctx context.Context, in *sqs.SendMessageInput, opts ...func(*sqs.Options)) (*sqs.SendMessageOutput, error)
	SendMessageBatch(ctx context.Context, in *sqs.SendMessageBatchInput, opts ...func(*sqs.Options)) (*sqs.SendMessageBatchOutput, error)
}

// NewClient builds the SQS client once, from the region and credentials
// Lambda puts in the environment; endpoint, when set, is a local
// SQS-compatible server (placeholder credentials when unset).
func NewClient(a lambdaenv.AWS, endpoint string) (*sqs.Client, error) {
	creds, err := awsenv.CredentialsOrLocal(a, endpoint != "")
	if err != nil {
		return nil, err
	}
	region := a.Region
	if region == "" && endpoint != "" {
		region = "us-east-1"
	}
	return sqs.New(sqs.Options{Region: region, Credentials: creds, BaseEndpoint: optional(endpoint)}), nil
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

// maxBatch is SQS's limit of messages per SendMessageBatch.
const maxBatch = 10

// Queue is the delivery queue at URL.
type Queue struct {
	API API
	URL string
}

// SendTasks enqueues one message per task, ten per call. An entry SQS
// refuses is an error naming it: the stream record is retried, and tasks
// already sent are not attempted twice past their first success (the
// delivery log).
func (q Queue) SendTasks(ctx context.Context, tasks []webhooks.Task) error {
	for start := 0; start < len(tasks); start += maxBatch {
		batch := tasks[start:min(start+maxBatch, len(tasks))]
		entries := make([]types.SendMessageBatchRequestEntry, len(batch))
		for i, t := range batch {
			body, err := webhooks.EncodeTask(t)
			if err != nil {
				return err
			}
			entries[i] = types.SendMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), MessageBody: aws.String(body)}
		}
		out, err := q.API.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(q.URL), Entries: entries})
		if err != nil {
			return fmt.Errorf("deliveryqueue: send: %w", err)
		}
		if len(out.Failed) > 0 {
			f := out.Failed[0]
			return fmt.Errorf("deliveryqueue: send: %d of %d refused (%s: %s)", len(out.Failed), len(entries), aws.ToString(f.Code), aws.ToString(f.Message))
		}
	}
	return nil
}

// maxDelay is SQS's longest message delay (DelaySeconds, 15 minutes).
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-timers.html
const maxDelay = 15 * time.Minute

// Requeue sends t again, delivered after d (whole seconds, rounded up, at
// most 15 minutes: t.NotBefore carries a longer wait, and the worker sends
// it on until it is due) — webhooks.Queue. A delayed message is not in
// flight: waiting deliveries never count against the queue's in-flight
// quota, and each link is a new message, young and received once.
func (q Queue) Requeue(ctx context.Context, t webhooks.Task, d time.Duration) error {
	body, err := webhooks.EncodeTask(t)
	if err != nil {
		return err
	}
	secs := int32(math.Ceil(min(max(d, 0), maxDelay).Seconds()))
	if _, err := q.API.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(q.URL), MessageBody: aws.String(body), DelaySeconds: secs}); err != nil {
		return fmt.Errorf("deliveryqueue: requeue: %w", err)
	}
	return nil
}

// DeadLetters sends dead letters to the template's WebhookDeadLetterQueue
// (webhooks.DeadLetters).
type DeadLetters struct {
	API API
	URL string
}

// Send enqueues d as JSON.
func (q DeadLetters) Send(ctx context.Context, d webhooks.DeadLetter) error {
	b, err := json.Marshal(d)
	if err != nil {
		return err
	}
	if _, err := q.API.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(q.URL), MessageBody: aws.String(string(b))}); err != nil {
		return fmt.Errorf("deliveryqueue: dead letter: %w", err)
	}
	return nil
}
