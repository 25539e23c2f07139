package samtemplate

import (
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// StreamMapping is an event-source mapping from the table's stream to a
// function: what the local stack's stream poller emulates.
type StreamMapping struct {
	ID         string // logical ID of the mapping
	FunctionID string // logical ID of the function (FunctionName: !Ref ...)
	BatchSize  int
	// MaximumRetryAttempts is how often a failed batch is retried (-1:
	// until the record expires).
	MaximumRetryAttempts int
	// ReportBatchItemFailures is FunctionResponseTypes: [ReportBatchItemFailures].
	ReportBatchItemFailures bool
	// Filters are FilterCriteria.Filters[].Pattern, as the JSON strings
	// Lambda matches records against.
	Filters []string
}

func streamMappings(r *resolver) ([]StreamMapping, error) {
	var out []StreamMapping
	for _, id := range sortedKeys(r.resources) {
		res := r.resources[id]
		if typeOf(res) != "AWS::Lambda::EventSourceMapping" {
			continue
		}
		props := get(res, "Properties")
		_, fn, ok := intrinsic(get(props, "FunctionName"))
		if !ok || fn.Kind != yaml.ScalarNode {
			return nil, fmt.Errorf("%s: FunctionName must be !Ref of a function", id)
		}
		_, arn, _ := intrinsic(get(props, "EventSourceArn"))
		if arn == nil || !strings.HasSuffix(strings.Join(scalars(arn), "."), "StreamArn") {
			continue // not a table stream
		}
		m := StreamMapping{ID: id, FunctionID: fn.Value, BatchSize: 100, MaximumRetryAttempts: -1}
		if v := get(props, "BatchSize"); v != nil {
			n, err := strconv.Atoi(v.Value)
			if err != nil {
				return nil, fmt.Errorf("%s.BatchSize: %w", id, err)
			}
			m.BatchSize = n
		}
		if v := get(props, "MaximumRetryAttempts"); v != nil {
			n, err := strconv.Atoi(v.Value)
			if err != nil {
				return nil, fmt.Errorf("%s.MaximumRetryAttempts: %w", id, err)
			}
			m.MaximumRetryAttempts = n
		}
		for _, t := range seq(get(props, "FunctionResponseTypes")) {
			if t.Value == "ReportBatchItemFailures" {
				m.ReportBatchItemFailures = true
			}
		}
		for _, f := range seq(get(get(props, "FilterCriteria"), "Filters")) {
			p, err := r.str(get(f, "Pattern"))
			if err != nil {
				return nil, fmt.Errorf("%s filter: %w", id, err)
			}
			m.Filters = append(m.Filters, p)
		}
		out = append(out, m)
	}
	return out, nil
}

// scalars lists the scalar values of a node (a GetAtt's [resource, attribute]
// or "resource.attribute").
func scalars(n *yaml.Node) []string {
	n = deref(n)
	if n.Kind == yaml.ScalarNode {
		return []string{n.Value}
	}
	var out []string
	for _, c := range seq(n) {
		out = append(out, c.Value)
	}
	return out
}
