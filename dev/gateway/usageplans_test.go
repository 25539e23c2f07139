package gateway

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

func ptrTo[T any](v T) *T { return &v }

// TestUsagePlansWithAuthorizerKeys: with ApiKeySource AUTHORIZER the
// authorizer's usageIdentifierKey picks the plan; a missing or unknown key
// never reaches the integration.
func TestUsagePlansWithAuthorizerKeys(t *testing.T) {
	plans := []UsagePlan{
		{Name: "open", KeyValues: []string{"open-key"}},
		{Name: "throttled", RateLimit: ptrTo(0.0), BurstLimit: ptrTo(0), KeyValues: []string{"throttled-key"}},
		{Name: "exhausted", QuotaLimit: ptrTo(0), QuotaPeriod: "DAY", KeyValues: []string{"exhausted-key"}},
		{Name: "two", RateLimit: ptrTo(1.0), BurstLimit: ptrTo(2), QuotaLimit: ptrTo(3), QuotaPeriod: "MONTH", KeyValues: []string{"small-key"}},
	}
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		usageKey *string
		want     []int // statuses of consecutive requests
	}{
		{"open plan", ptrTo("open-key"), []int{200, 200, 200}},
		{"throttled plan: rate 0, burst 0", ptrTo("throttled-key"), []int{429, 429}},
		{"exhausted plan: quota 0", ptrTo("exhausted-key"), []int{429}},
		{"token bucket then quota", ptrTo("small-key"), []int{200, 200, 429}},
		{"no usage key", nil, []int{403, 403}},
		{"unknown usage key", ptrTo("nobody"), []int{403}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var fnCalls int
			fn := func(context.Context, events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
				fnCalls++
				return events.APIGatewayProxyResponse{StatusCode: 200, Body: "{}"}, nil
			}
			auth := func(_ context.Context, _ events.APIGatewayCustomAuthorizerRequestTypeRequest) (events.APIGatewayCustomAuthorizerResponse, error) {
				r := allow("u1", nil, "*")
				if tt.usageKey != nil {
					r.UsageIdentifierKey = *tt.usageKey
				}
				return r, nil
			}
			gw, err := New(Config{
				Stage:        "v1",
				Routes:       []Route{{Method: "GET", Path: "/x", FunctionID: "F", Authorized: true, APIKeyRequired: true}},
				Functions:    map[string]Function{"F": fn},
				Authorizer:   &AuthorizerConfig{Name: "A", IdentityHeader: "Authorization", Handler: auth},
				Responses:    testResponses(),
				APIKeySource: "AUTHORIZER",
				UsagePlans:   plans,
				Now:          func() time.Time { return now },
			})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(gw)
			defer srv.Close()
			allowed := 0
			for i, want := range tt.want {
				req, _ := http.NewRequest("GET", srv.URL+"/x", nil)
				req.Header.Set("Authorization", "Bearer x")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != want {
					t.Errorf("request %d: got %d, want %d", i, resp.StatusCode, want)
				}
				if want == 200 {
					allowed++
				}
			}
			if fnCalls != allowed {
				t.Errorf("integration called %d times, want %d (a refused request never reaches it)", fnCalls, allowed)
			}
		})
	}
}

func TestUsagePlanConfigErrors(t *testing.T) {
	for name, plans := range map[string][]UsagePlan{
		"key in two plans": {{Name: "a", KeyValues: []string{"k"}}, {Name: "b", KeyValues: []string{"k"}}},
		"bad period":       {{Name: "a", QuotaLimit: ptrTo(1), QuotaPeriod: "YEAR", KeyValues: []string{"k"}}},
	} {
		if _, err := newUsagePlans(plans, time.Now); err == nil {
			t.Errorf("%s: got no error", name)
		}
	}
}
