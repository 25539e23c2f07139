package fntest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"keygate/dev/demo"
	"keygate/dev/modroot"
)

// Ids used by the sample events in events/ (the demo data of make run);
// dev/demo defines them, so that tests outside functions/ use the same.
const (
	SampleUserID      = demo.SampleUserID
	SampleWorkspaceID = demo.SampleWorkspaceID
	SampleKeyID       = demo.SampleKeyID
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
