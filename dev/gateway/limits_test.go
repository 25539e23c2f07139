package gateway

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// TestRequestLimits: requests past API Gateway's documented limits get
// API Gateway's answer and never reach the authorizer or the function.
func TestRequestLimits(t *testing.T) {
	// The method ARN of GET /open/workspace/{id} is this long plus the id.
	arnBase := len(MethodARN("eu-west-1", "111122223333", "abc123defg", "Prod", "GET", "/open/workspace/"))
	tests := []struct {
		name       string
		path       string
		header     string // extra header value of X-Big
		wantStatus int
		wantCalled bool
	}{
		{"method ARN at the limit", "/open/workspace/" + strings.Repeat("w", maxMethodARNBytes-arnBase), "", 200, true},
		{"method ARN over the limit", "/open/workspace/" + strings.Repeat("w", maxMethodARNBytes-arnBase+1), "", 414, false},
		{"long path without authorization", "/open/global/config?q=" + strings.Repeat("q", 2000), "", 200, true},
		{"headers within the limit", "/open/auth/whoami", strings.Repeat("h", 9000), 200, true},
		{"headers over the limit", "/open/auth/whoami", strings.Repeat("h", maxRequestHeaderBytes), 431, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, 0, func(events.APIGatewayCustomAuthorizerRequestTypeRequest) (events.APIGatewayCustomAuthorizerResponse, error) {
				return allow("u1", nil, "arn:aws:execute-api:eu-west-1:111122223333:abc123defg/Prod/*"), nil
			})
			req, err := http.NewRequestWithContext(t.Context(), "GET", h.srv.URL+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer k")
			if tt.header != "" {
				req.Header.Set("X-Big", tt.header)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("got status %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if got := h.fn.calls.Load() > 0; got != tt.wantCalled {
				t.Errorf("function called: got %v, want %v", got, tt.wantCalled)
			}
		})
	}
}

// TestPolicyResourceLimit: an authorizer policy with a Resource longer than
// API Gateway accepts is a configuration error, not an Allow.
func TestPolicyResourceLimit(t *testing.T) {
	tests := []struct {
		name       string
		resource   string
		wantStatus int
	}{
		{"at the limit", "arn:aws:execute-api:eu-west-1:111122223333:abc123defg/Prod/GET/open/auth/whoami*" + strings.Repeat("x", maxPolicyResourceChars-80), 200},
		{"over the limit", "arn:aws:execute-api:eu-west-1:111122223333:abc123defg/Prod/*" + strings.Repeat("x", maxPolicyResourceChars), 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.resource) > maxPolicyResourceChars && tt.wantStatus == 200 {
				t.Fatalf("test resource of %d characters", len(tt.resource))
			}
			h := newHarness(t, 0, func(events.APIGatewayCustomAuthorizerRequestTypeRequest) (events.APIGatewayCustomAuthorizerResponse, error) {
				return allow("u1", nil, tt.resource, "arn:aws:execute-api:eu-west-1:111122223333:abc123defg/Prod/GET/open/auth/whoami"), nil
			})
			status, hdr, _ := h.do(t, "GET", "/open/auth/whoami", "Bearer k", "")
			if status != tt.wantStatus {
				t.Errorf("got status %d, want %d", status, tt.wantStatus)
			}
			if tt.wantStatus == 500 && hdr.Get("x-amzn-ErrorType") != "AuthorizerConfigurationException" {
				t.Errorf("got x-amzn-ErrorType %q, want AuthorizerConfigurationException", hdr.Get("x-amzn-ErrorType"))
			}
		})
	}
}
