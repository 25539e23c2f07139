package sqslocal

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"keygate/dev/samtemplate"
	"keygate/shared/awsenv"
)

// NewClient returns an SDK client for the SQS server at endpoint, signing
// for Region with awsenv's local placeholder credentials.
func NewClient(endpoint string) *sqs.Client {
	return sqs.New(sqs.Options{Region: Region, Credentials: awsenv.LocalCredentials(), BaseEndpoint: aws.String(endpoint)})
}

// QueueOptions configure CreateQueue.
type QueueOptions struct {
	// VisibilityTimeout is the queue's VisibilityTimeout in seconds; 0
	// means SQS's default, 30.
	VisibilityTimeout int
	// MaxReceiveCount is the redrive policy's maxReceiveCount: a message
	// received this many times without being deleted moves to the
	// dead-letter queue. 0 means 3; a negative value creates no
	// dead-letter queue.
	MaxReceiveCount int
}

// Queue names a queue and its dead-letter queue.
type Queue struct {
	URL, ARN string
	// DeadLetterURL and DeadLetterARN are the dead-letter queue's ("" when
	// QueueOptions.MaxReceiveCount < 0).
	DeadLetterURL, DeadLetterARN string
	// VisibilityTimeout and MaxReceiveCount are the queue's attributes as
	// created.
	VisibilityTimeout, MaxReceiveCount int
}

// CreateQueue creates the queue name and, unless opts.MaxReceiveCount < 0,
// its dead-letter queue name+"-dlq", with the redrive policy
// {"deadLetterTargetArn": <its ARN>, "maxReceiveCount": N}. Creating a queue
// that exists returns it.
func CreateQueue(ctx context.Context, client *sqs.Client, name string, opts QueueOptions) (Queue, error) {
	if opts.VisibilityTimeout == 0 {
		opts.VisibilityTimeout = 30
	}
	if opts.MaxReceiveCount == 0 {
		opts.MaxReceiveCount = 3
	}
	q := Queue{VisibilityTimeout: opts.VisibilityTimeout}
	attrs := map[string]string{string(types.QueueAttributeNameVisibilityTimeout): strconv.Itoa(opts.VisibilityTimeout)}
	if opts.MaxReceiveCount > 0 {
		var err error
		if q.DeadLetterURL, q.DeadLetterARN, err = create(ctx, client, name+"-dlq", nil); err != nil {
			return Queue{}, err
		}
		policy, err := json.Marshal(map[string]any{"deadLetterTargetArn": q.DeadLetterARN, "maxReceiveCount": opts.MaxReceiveCount})
		if err != nil {
			return Queue{}, err
		}
		attrs[string(types.QueueAttributeNameRedrivePolicy)] = string(policy)
		q.MaxReceiveCount = opts.MaxReceiveCount
	}
	var err error
	if q.URL, q.ARN, err = create(ctx, client, name, attrs); err != nil {
		return Queue{}, err
	}
	return q, nil
}

// create makes one queue and reads back its ARN.
func create(ctx context.Context, client *sqs.Client, name string, attrs map[string]string) (url, arn string, err error) {
	out, err := client.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs})
	if err != nil {
		return "", "", fmt.Errorf("sqslocal: create queue %s: %w", name, err)
	}
	url = aws.ToString(out.QueueUrl)
	got, err := client.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url),
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameQueueArn}})
	if err != nil {
		return "", "", fmt.Errorf("sqslocal: the ARN of queue %s: %w", name, err)
	}
	arn = got.Attributes[string(types.QueueAttributeNameQueueArn)]
	if arn == "" {
		return "", "", fmt.Errorf("sqslocal: queue %s has no QueueArn", name)
	}
	return url, arn, nil
}

// DeleteQueue deletes the queue and its dead-letter queue, if any.
func DeleteQueue(ctx context.Context, client *sqs.Client, q Queue) error {
	for _, url := range []string{q.URL, q.DeadLetterURL} {
		if url == "" {
			continue
		}
		if _, err := client.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String(url)}); err != nil {
			return fmt.Errorf("sqslocal: delete queue %s: %w", url, err)
		}
	}
	return nil
}

// CreateTemplateQueues creates the template's queues (samtemplate's
// Template.SQSQueues) on the server as prefix+"-"+<logical ID>, each with its
// VisibilityTimeout and MessageRetentionPeriod, and with its RedrivePolicy to
// the template's dead-letter queue: the local stack's stand-in for
// CloudFormation creating them. It returns them by logical ID (a queue's
// DeadLetterURL and DeadLetterARN name its redrive target). Creating queues
// that exist returns them.
func CreateTemplateQueues(ctx context.Context, client *sqs.Client, queues map[string]samtemplate.SQSQueue, prefix string) (map[string]Queue, error) {
	out := make(map[string]Queue, len(queues))
	ids := make([]string, 0, len(queues))
	for id := range queues {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	// Dead-letter targets first: a redrive policy names an existing ARN.
	sort.SliceStable(ids, func(i, j int) bool {
		return queues[ids[i]].DeadLetterQueueID == "" && queues[ids[j]].DeadLetterQueueID != ""
	})
	for _, id := range ids {
		tq := queues[id]
		attrs := map[string]string{}
		q := Queue{VisibilityTimeout: tq.VisibilityTimeout}
		if q.VisibilityTimeout == 0 {
			q.VisibilityTimeout = 30
		}
		attrs[string(types.QueueAttributeNameVisibilityTimeout)] = strconv.Itoa(q.VisibilityTimeout)
		if tq.MessageRetentionPeriod > 0 {
			attrs[string(types.QueueAttributeNameMessageRetentionPeriod)] = strconv.Itoa(tq.MessageRetentionPeriod)
		}
		if tq.DeadLetterQueueID != "" {
			dlq, ok := out[tq.DeadLetterQueueID]
			if !ok {
				return nil, fmt.Errorf("sqslocal: queue %s: its dead-letter queue %s is not in the template's queues, or has a redrive policy itself", id, tq.DeadLetterQueueID)
			}
			policy, err := json.Marshal(map[string]any{"deadLetterTargetArn": dlq.ARN, "maxReceiveCount": tq.MaxReceiveCount})
			if err != nil {
				return nil, err
			}
			attrs[string(types.QueueAttributeNameRedrivePolicy)] = string(policy)
			q.DeadLetterURL, q.DeadLetterARN, q.MaxReceiveCount = dlq.URL, dlq.ARN, tq.MaxReceiveCount
		}
		var err error
		if q.URL, q.ARN, err = create(ctx, client, prefix+"-"+id, attrs); err != nil {
			return nil, err
		}
		out[id] = q
	}
	return out, nil
}
