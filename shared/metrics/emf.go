package metrics

import (
	"log/slog"
	"time"
)

// Metric names a numeric root field of the line and its unit (Count,
// Milliseconds, ...).
type Metric struct {
	Name string `json:"Name"`
	Unit string `json:"Unit"`
}

// Units of CloudWatch.
const (
	Count        = "Count"
	Milliseconds = "Milliseconds"
)

// Spec is one line kind's metrics: its namespace, the dimension sets (each
// a list of root fields) and the metrics.
type Spec struct {
	Namespace  string
	Dimensions [][]string
	Metrics    []Metric
}

type directive struct {
	Namespace  string     `json:"Namespace"`
	Dimensions [][]string `json:"Dimensions"`
	Metrics    []Metric   `json:"Metrics"`
}

type metadata struct {
	Timestamp         int64       `json:"Timestamp"`
	CloudWatchMetrics []directive `json:"CloudWatchMetrics"`
}

// Attr is the "_aws" attribute of a line at now, or an empty attribute
// (which slog drops) when s has no namespace: metrics are off.
func (s Spec) Attr(now time.Time) slog.Attr {
	if s.Namespace == "" {
		return slog.Attr{}
	}
	return slog.Any("_aws", metadata{Timestamp: now.UnixMilli(),
		CloudWatchMetrics: []directive{{Namespace: s.Namespace, Dimensions: s.Dimensions, Metrics: s.Metrics}}})
}
