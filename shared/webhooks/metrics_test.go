package webhooks

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"testing"
)

// TestOutcomeLinesAreMetrics: with a metrics namespace, an attempt's
// outcome line is Embedded Metric Format — deliveries and latencyMs by
// outcome, fields of the line — and names no endpoint or user as a
// dimension; without one it carries no metadata.
func TestOutcomeLinesAreMetrics(t *testing.T) {
	for _, ns := range []string{"keygate/test", ""} {
		var buf bytes.Buffer
		d := &Deliverer{cfg: DeliverConfig{Logger: slog.New(slog.NewJSONHandler(&buf, nil)), MetricsNamespace: ns}}
		d.log(slog.LevelInfo, "webhook delivered", outcomeDelivered, Webhook{ID: "wh_1", UserID: "u1"}, Delivery{ID: "whd_1", LatencyMillis: 42, Attempts: 1})
		var line struct {
			Outcome    string  `json:"outcome"`
			Deliveries float64 `json:"deliveries"`
			LatencyMs  float64 `json:"latencyMs"`
			AWS        *struct {
				CloudWatchMetrics []struct {
					Namespace  string
					Dimensions [][]string
					Metrics    []struct{ Name string }
				}
			} `json:"_aws"`
		}
		if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
			t.Fatal(err)
		}
		if ns == "" {
			if line.AWS != nil || line.Deliveries != 0 {
				t.Errorf("no namespace: got metadata %+v", line.AWS)
			}
			continue
		}
		if line.AWS == nil || len(line.AWS.CloudWatchMetrics) != 1 || line.AWS.CloudWatchMetrics[0].Namespace != ns {
			t.Fatalf("line %s: no EMF metadata for %s", buf.String(), ns)
		}
		m := line.AWS.CloudWatchMetrics[0]
		if len(m.Dimensions) != 1 || len(m.Dimensions[0]) != 1 || m.Dimensions[0][0] != "outcome" {
			t.Errorf("dimensions %v, want [[outcome]]", m.Dimensions)
		}
		if line.Outcome != outcomeDelivered || line.Deliveries != 1 || line.LatencyMs != 42 {
			t.Errorf("got outcome %q, deliveries %v, latencyMs %v", line.Outcome, line.Deliveries, line.LatencyMs)
		}
	}
}
