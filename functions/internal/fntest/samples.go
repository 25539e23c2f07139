package fntest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"keygate/internal/modroot"
)

// Ids used by the sample events in events/ (the demo data of make run).
const (
	SampleUserID      = "demo-user"
	SampleWorkspaceID = "demo-workspace"
	SampleKeyID       = "Abc123Def456Ghi7"
)

// LoadEvent reads a sample proxy event from the repository's events/ folder.
func LoadEvent(tb testing.TB, name string) events.APIGatewayProxyRequest {
	tb.Helper()
	root, err := modroot.Find()
	if err != nil {
		tb.Fatalf("read event: %v", err)
	}
	b, err := os.ReadFile(filepath.Join(root, "events", name))
	if err != nil {
		tb.Fatalf("read event: %v", err)
	}
	var e events.APIGatewayProxyRequest
	if err := json.Unmarshal(b, &e); err != nil {
		tb.Fatalf("decode event %s: %v", name, err)
	}
	return e
}
