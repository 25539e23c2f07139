package authorizer_test

import (
	"bufio"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"keygate/authorizer"
	"keygate/shared/keys"
)

// TestDecisionLinesAreMetrics: with a metrics namespace, every decision
// line is valid CloudWatch Embedded Metric Format — its metrics and
// dimensions are root fields of the line, metrics are numbers — and no key
// or user id is a dimension.
func TestDecisionLinesAreMetrics(t *testing.T) {
	f := newFixture(t, authorizer.Config{MetricsNamespace: "keygate/test"})
	f.user("alice", map[string]keys.Role{"ws1": keys.RoleOwner})
	k := f.key("alice", keys.AllScopes, nil)
	for _, auth := range []string{"Bearer " + k.Token, "Bearer " + forgeToken(strings.Repeat("A", 16), strings.Repeat("b", 43)), ""} {
		_, _ = f.h.Handle(t.Context(), request(auth))
	}
	sc := bufio.NewScanner(strings.NewReader(f.logs.String()))
	decisions := map[string]bool{}
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatal(err)
		}
		var emf struct {
			Timestamp         int64
			CloudWatchMetrics []struct {
				Namespace  string
				Dimensions [][]string
				Metrics    []struct{ Name, Unit string }
			}
		}
		raw, _ := json.Marshal(line["_aws"])
		if err := json.Unmarshal(raw, &emf); err != nil || emf.Timestamp == 0 || len(emf.CloudWatchMetrics) != 1 {
			t.Fatalf("line %s: no EMF metadata", sc.Text())
		}
		d := emf.CloudWatchMetrics[0]
		if d.Namespace != "keygate/test" {
			t.Errorf("namespace %q", d.Namespace)
		}
		for _, set := range d.Dimensions {
			for _, dim := range set {
				// CloudWatch refuses an empty or blank dimension value.
				if v, ok := line[dim].(string); !ok || strings.TrimSpace(v) == "" {
					t.Errorf("dimension %s: %q, want a non-empty string field of the line", dim, line[dim])
				}
				if slices.Contains([]string{"keyId", "userId"}, dim) {
					t.Errorf("dimension %s: an id as a dimension", dim)
				}
			}
		}
		for _, m := range d.Metrics {
			if _, ok := line[m.Name].(float64); !ok {
				t.Errorf("metric %s: not a number field of the line", m.Name)
			}
		}
		decisions[line["decision"].(string)] = true
	}
	for _, want := range []string{"allow", "deny", "unauthorized"} {
		if !decisions[want] {
			t.Errorf("no %s decision line among %v", want, decisions)
		}
	}
}
