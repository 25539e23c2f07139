package identity_test

import (
	"context"
	"testing"

	"keygate/dev/testkit/fntest"
	"keygate/shared/keys"
)

// TestSampleEvents runs events/identity-*.json through Handle.
func TestSampleEvents(t *testing.T) {
	e := newEnv(t)
	fntest.Seed(t, e.st, fntest.SampleUserID, fntest.SampleWorkspaceID, keys.RoleOwner)
	for _, file := range []string{"identity-whoami.json", "identity-workspace.json"} {
		t.Run(file, func(t *testing.T) {
			req := fntest.LoadEvent(t, file)
			resp, err := e.fn.Handle(context.Background(), req)
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("got %d %s (%v), want 200", resp.StatusCode, resp.Body, err)
			}
			e.validator.Proxy(t, req, resp)
		})
	}
}
