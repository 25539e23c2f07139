package iamcheck

import (
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// SQSClient returns a copy of client whose requests r records as IAM
// evaluates them. queues maps each queue URL the function uses to the
// queue's logical ID, so a request's Resource reads as the template's
// !GetAtt <ID>.Arn does.
func (r *Recorder) SQSClient(client *sqs.Client, queues map[string]string) *sqs.Client {
	return sqs.New(client.Options(), func(o *sqs.Options) {
		o.APIOptions = append(slices.Clip(o.APIOptions), r.middlewareWith(func(op string, params any) []Request {
			return []Request{DescribeSQS(op, params, queues)}
		}))
	})
}

// DescribeSQS returns what IAM evaluates of SQS operation op with the SDK
// input params: a batch call is authorized as its single form
// (SendMessageBatch as sqs:SendMessage, and so on), on the queue its
// QueueUrl names.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-permissions-reference.html
func DescribeSQS(op string, params any, queues map[string]string) Request {
	action := map[string]string{
		"SendMessageBatch":             "SendMessage",
		"DeleteMessageBatch":           "DeleteMessage",
		"ChangeMessageVisibilityBatch": "ChangeMessageVisibility",
	}[op]
	if action == "" {
		action = op
	}
	var url *string
	switch in := params.(type) {
	case *sqs.SendMessageInput:
		url = in.QueueUrl
	case *sqs.SendMessageBatchInput:
		url = in.QueueUrl
	case *sqs.ChangeMessageVisibilityInput:
		url = in.QueueUrl
	case *sqs.ChangeMessageVisibilityBatchInput:
		url = in.QueueUrl
	case *sqs.ReceiveMessageInput:
		url = in.QueueUrl
	case *sqs.DeleteMessageInput:
		url = in.QueueUrl
	case *sqs.DeleteMessageBatchInput:
		url = in.QueueUrl
	case *sqs.GetQueueAttributesInput:
		url = in.QueueUrl
	}
	resource := "unknown queue " + aws.ToString(url)
	if id, ok := queues[aws.ToString(url)]; ok {
		resource = id + ".Arn"
	}
	return Request{Action: "sqs:" + action, Resource: resource}
}
