package config_test

import (
	"context"
	"testing"

	"keygate/dev/testkit/fntest"
	"keygate/shared/openapi/openapitest"
)

// TestSampleEvents runs events/config-*.json through Handle.
func TestSampleEvents(t *testing.T) {
	f := newFunction(t, nil)
	v := openapitest.New(t)
	for _, file := range []string{"config-global.json", "config-document.json"} {
		t.Run(file, func(t *testing.T) {
			req := fntest.LoadEvent(t, file)
			resp, err := f.Handle(context.Background(), req)
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("got %d %.200s (%v), want 200", resp.StatusCode, resp.Body, err)
			}
			v.Proxy(t, req, resp)
		})
	}
}
