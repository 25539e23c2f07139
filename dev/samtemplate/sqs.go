package samtemplate

import (
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// SQSMapping is an event-source mapping from an SQS queue to a function —
// a function's `Type: SQS` event or an AWS::Lambda::EventSourceMapping on a
// queue's Arn: what dev/sqsmapping emulates.
type SQSMapping struct {
	ID         string // "<FunctionID>.<event name>" for an event, else the mapping's logical ID
	FunctionID string // logical ID of the function
	QueueID    string // logical ID of the AWS::SQS::Queue (Queue: !GetAtt <QueueID>.Arn)
	// BatchSize is the most messages per invocation (default 10).
	BatchSize int
	// MaximumBatchingWindowInSeconds is how long a batch is gathered
	// before the function is invoked (default 0).
	MaximumBatchingWindowInSeconds int
	// ReportBatchItemFailures is FunctionResponseTypes: [ReportBatchItemFailures].
	ReportBatchItemFailures bool
	// MaximumConcurrency is ScalingConfig.MaximumConcurrency (0 when unset).
	MaximumConcurrency int
	// Enabled is false only for Enabled: false.
	Enabled bool
}

// SQSQueue is an AWS::SQS::Queue's settings that the local stack creates
// the queue with.
type SQSQueue struct {
	ID string
	// VisibilityTimeout in seconds (0 when unset: SQS's default, 30).
	VisibilityTimeout int
	// MessageRetentionPeriod in seconds (0 when unset).
	MessageRetentionPeriod int
	// DeadLetterQueueID and MaxReceiveCount are the RedrivePolicy's
	// deadLetterTargetArn (as !GetAtt <ID>.Arn) and maxReceiveCount ("" and
	// 0 without one).
	DeadLetterQueueID string
	MaxReceiveCount   int
}

// queueArnRef returns the queue's logical ID when n is !GetAtt <Queue>.Arn of
// an AWS::SQS::Queue.
func (r *resolver) queueArnRef(n *yaml.Node) (string, bool) {
	name, arg, ok := intrinsic(n)
	if !ok || name != "Fn::GetAtt" {
		return "", false
	}
	id, ok := strings.CutSuffix(strings.Join(scalars(arg), "."), ".Arn")
	if !ok || typeOf(r.resources[id]) != "AWS::SQS::Queue" {
		return "", false
	}
	return id, true
}

func (r *resolver) intProp(props *yaml.Node, key string, dst *int) error {
	v := get(props, key)
	if v == nil {
		return nil
	}
	s, err := r.str(v)
	if err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	if *dst, err = strconv.Atoi(s); err != nil {
		return fmt.Errorf("%s %q: %w", key, s, err)
	}
	return nil
}

// sqsMapping reads a mapping's properties (the same in a SAM SQS event and
// an AWS::Lambda::EventSourceMapping).
func (r *resolver) sqsMapping(m *SQSMapping, props *yaml.Node) error {
	m.BatchSize, m.Enabled = 10, true
	if err := r.intProp(props, "BatchSize", &m.BatchSize); err != nil {
		return err
	}
	if err := r.intProp(props, "MaximumBatchingWindowInSeconds", &m.MaximumBatchingWindowInSeconds); err != nil {
		return err
	}
	if err := r.intProp(get(props, "ScalingConfig"), "MaximumConcurrency", &m.MaximumConcurrency); err != nil {
		return fmt.Errorf("ScalingConfig.%w", err)
	}
	for _, t := range seq(get(props, "FunctionResponseTypes")) {
		if t.Value == "ReportBatchItemFailures" {
			m.ReportBatchItemFailures = true
		}
	}
	if v := get(props, "Enabled"); v != nil {
		s, err := r.str(v)
		if err != nil {
			return fmt.Errorf("Enabled: %w", err)
		}
		m.Enabled = s != "false"
	}
	return nil
}

func sqsMappings(r *resolver) ([]SQSMapping, error) {
	var out []SQSMapping
	for _, id := range sortedKeys(r.resources) {
		res := r.resources[id]
		props := get(res, "Properties")
		switch typeOf(res) {
		case "AWS::Serverless::Function":
			names, events := entries(get(props, "Events"))
			for i, name := range names {
				if t := get(events[i], "Type"); t == nil || t.Value != "SQS" {
					continue
				}
				ep := get(events[i], "Properties")
				q, ok := r.queueArnRef(get(ep, "Queue"))
				if !ok {
					continue // a queue outside the template: nothing local to poll
				}
				m := SQSMapping{ID: id + "." + name, FunctionID: id, QueueID: q}
				if err := r.sqsMapping(&m, ep); err != nil {
					return nil, fmt.Errorf("%s.Events.%s.%w", id, name, err)
				}
				out = append(out, m)
			}
		case "AWS::Lambda::EventSourceMapping":
			q, ok := r.queueArnRef(get(props, "EventSourceArn"))
			if !ok {
				continue // not a queue
			}
			_, fn, ok := intrinsic(get(props, "FunctionName"))
			if !ok || fn.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("%s: FunctionName must be !Ref of a function", id)
			}
			m := SQSMapping{ID: id, FunctionID: fn.Value, QueueID: q}
			if err := r.sqsMapping(&m, props); err != nil {
				return nil, fmt.Errorf("%s.%w", id, err)
			}
			out = append(out, m)
		}
	}
	return out, nil
}

func sqsQueues(r *resolver) (map[string]SQSQueue, error) {
	out := map[string]SQSQueue{}
	for _, id := range sortedKeys(r.resources) {
		res := r.resources[id]
		if typeOf(res) != "AWS::SQS::Queue" {
			continue
		}
		props := get(res, "Properties")
		q := SQSQueue{ID: id}
		if err := r.intProp(props, "VisibilityTimeout", &q.VisibilityTimeout); err != nil {
			return nil, fmt.Errorf("%s.%w", id, err)
		}
		if err := r.intProp(props, "MessageRetentionPeriod", &q.MessageRetentionPeriod); err != nil {
			return nil, fmt.Errorf("%s.%w", id, err)
		}
		if rp := get(props, "RedrivePolicy"); rp != nil {
			dlq, ok := r.queueArnRef(get(rp, "deadLetterTargetArn"))
			if !ok {
				return nil, fmt.Errorf("%s.RedrivePolicy.deadLetterTargetArn: want !GetAtt <AWS::SQS::Queue>.Arn", id)
			}
			q.DeadLetterQueueID = dlq
			if err := r.intProp(rp, "maxReceiveCount", &q.MaxReceiveCount); err != nil {
				return nil, fmt.Errorf("%s.RedrivePolicy.%w", id, err)
			}
		}
		out[id] = q
	}
	return out, nil
}
