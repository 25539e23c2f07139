package authorizer

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"keygate/shared/access"
	"keygate/shared/keys"
	"keygate/shared/metrics"
)

// The decision lines: one per authorization, JSON, never a token or a
// hash; with a metrics namespace each is also a CloudWatch metric.

// logAllow writes the INFO decision line of an Allow.
func (h *Handler) logAllow(ctx context.Context, start time.Time, keyID, userID string, r access.Result, limited keys.Limited) {
	h.logger.LogAttrs(ctx, slog.LevelInfo, "authorizer decision",
		slog.String("decision", decisionAllow),
		slog.String("reason", ""),
		slog.String("keyId", keyID),
		slog.String("userId", userID),
		slog.String("policyMode", r.Mode.String()),
		slog.String("limits", limited.String()),
		slog.Int("skippedMemberships", r.Skipped),
		durationMs(start),
		h.metrics(""),
	)
}

func (h *Handler) unauthorized(ctx context.Context, start time.Time, reason string) (events.APIGatewayCustomAuthorizerResponse, error) {
	h.logger.LogAttrs(ctx, slog.LevelInfo, "authorizer decision",
		slog.String("decision", decisionUnauthorized),
		slog.String("reason", reason),
		slog.String("keyId", ""),
		slog.String("userId", ""),
		durationMs(start),
		h.metrics(reason),
	)
	return events.APIGatewayCustomAuthorizerResponse{}, ErrUnauthorized
}

func (h *Handler) deny(ctx context.Context, start time.Time, base, keyID, userID string, reason keys.Reason) (events.APIGatewayCustomAuthorizerResponse, error) {
	h.logger.LogAttrs(ctx, slog.LevelInfo, "authorizer decision",
		slog.String("decision", decisionDeny),
		slog.String("reason", string(reason)),
		slog.String("keyId", keyID),
		slog.String("userId", userID),
		durationMs(start),
		h.metrics(string(reason)),
	)
	return access.Deny(base, userID, reason), nil
}

// fail logs an infrastructure or configuration error and returns it wrapped;
// API Gateway answers 500, never Allow.
func (h *Handler) fail(ctx context.Context, start time.Time, keyID, userID, reason string, err error) (events.APIGatewayCustomAuthorizerResponse, error) {
	h.logger.LogAttrs(ctx, slog.LevelError, "authorizer decision",
		slog.String("decision", decisionError),
		slog.String("reason", reason),
		slog.String("keyId", keyID),
		slog.String("userId", userID),
		slog.String("error", err.Error()),
		durationMs(start),
		h.metrics(reason),
	)
	return events.APIGatewayCustomAuthorizerResponse{}, fmt.Errorf("authorizer: %s: %w", reason, err)
}

// decisionMetrics are the decision line's: one decision, and its
// durationMs, by decision and, for a refusal, by decision and reason. An
// Allow has no reason, and CloudWatch refuses an empty dimension value, so
// its line names the decision alone.
var (
	decisionMetrics = metrics.Spec{
		Dimensions: [][]string{{"decision"}, {"decision", "reason"}},
		Metrics:    []metrics.Metric{{Name: "decisions", Unit: metrics.Count}, {Name: "durationMs", Unit: metrics.Milliseconds}},
	}
	allowMetrics = metrics.Spec{
		Dimensions: [][]string{{"decision"}},
		Metrics:    decisionMetrics.Metrics,
	}
)

// metrics is the decision line's EMF: the "_aws" object and the count its
// "decisions" metric reads (nothing without a namespace).
func (h *Handler) metrics(reason string) slog.Attr {
	if h.cfg.MetricsNamespace == "" {
		return slog.Attr{}
	}
	spec := decisionMetrics
	if reason == "" {
		spec = allowMetrics
	}
	spec.Namespace = h.cfg.MetricsNamespace
	return slog.Group("", spec.Attr(h.cfg.Now()), slog.Int("decisions", 1))
}

func durationMs(start time.Time) slog.Attr {
	return slog.Float64("durationMs", float64(time.Since(start).Microseconds())/1000)
}
