package config_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"keygate/dev/testkit/fntest"
	"keygate/dev/testkit/testlog"
	"keygate/functions/config"
	"keygate/shared/apperr"
	"keygate/shared/lambdaenv"
	"keygate/shared/openapi/openapitest"
)

// newFunction wires the function on env, as its bootstrap does.
func newFunction(tb testing.TB, env map[string]string) *config.Function {
	tb.Helper()
	logger, _ := testlog.New()
	f, err := config.Wire(context.Background(), lambdaenv.Deps{Env: lambdaenv.Map(env), Logger: logger})
	if err != nil {
		tb.Fatalf("config.Wire: %v", err)
	}
	return f
}

func handle(tb testing.TB, f *config.Function, v *openapitest.Validator, r fntest.Request) events.APIGatewayProxyResponse {
	tb.Helper()
	req := r.Event()
	resp, err := f.Handle(context.Background(), req)
	if err != nil {
		tb.Fatalf("Handle: %v", err)
	}
	if got := fntest.Header(resp, "Access-Control-Allow-Origin"); got == "" {
		tb.Errorf("no CORS header")
	}
	v.Proxy(tb, req, resp)
	return resp
}

func TestGlobalConfigDefaults(t *testing.T) {
	f := newFunction(t, nil)
	resp := handle(t, f, openapitest.New(t), fntest.Request{Method: "GET", Path: "/open/global/config"})
	want := `{"allowRegister":false,"websiteId":null,"amapToken":null,"mapboxToken":null,"alphaMode":false,` +
		`"disableAnonymousTelemetry":false,"customTrackerScriptName":null,"serverTimezone":"UTC","authProvider":[],` +
		`"customAuthProviderIcon":null,"smtpAvailable":false,"enableBilling":false,"ai":{"enable":false,"contextWindow":16000},` +
		`"enableFunctionWorker":false,"observability":{"tianji":{"baseUrl":null,"websiteId":null}}}`
	if resp.StatusCode != 200 || resp.Body != want {
		t.Errorf("got %d %s\nwant 200 %s", resp.StatusCode, resp.Body, want)
	}
}

func TestGlobalConfigFromEnv(t *testing.T) {
	f := newFunction(t, map[string]string{
		"ALLOW_REGISTER": "true", "WEBSITE_ID": "site-1", "AMAP_TOKEN": "amap", "MAPBOX_TOKEN": "mapbox",
		"ALPHA_MODE": "1", "DISABLE_ANONYMOUS_TELEMETRY": "TRUE", "CUSTOM_TRACKER_SCRIPT_NAME": "t.js",
		"SERVER_TIMEZONE": "Asia/Shanghai", "AUTH_PROVIDER": "email, github,,custom ",
		"CUSTOM_AUTH_PROVIDER_ICON": "https://x/icon.png", "SMTP_AVAILABLE": "true", "ENABLE_BILLING": "false",
		"AI_ENABLE": "true", "AI_CONTEXT_WINDOW": "128000", "ENABLE_FUNCTION_WORKER": "true",
		"OBSERVABILITY_TIANJI_BASE_URL": "https://tianji.example.com", "OBSERVABILITY_TIANJI_WEBSITE_ID": "obs-1",
	})
	v := openapitest.New(t)
	var first string
	// The same answer whatever Authorization header is sent (the route is public).
	for i, h := range []map[string]string{nil, {"Authorization": "Bearer sk_invalid"}, {"Authorization": "Basic Zm9vOmJhcg=="}, {"Authorization": ""}} {
		resp := handle(t, f, v, fntest.Request{Method: "GET", Path: "/open/global/config", Headers: h})
		if i == 0 {
			first = resp.Body
		} else if resp.Body != first || resp.StatusCode != 200 {
			t.Errorf("Authorization %v: got %d %s, want the same 200 answer", h, resp.StatusCode, resp.Body)
		}
	}
	var got struct {
		AllowRegister bool     `json:"allowRegister"`
		WebsiteID     *string  `json:"websiteId"`
		AlphaMode     bool     `json:"alphaMode"`
		Telemetry     bool     `json:"disableAnonymousTelemetry"`
		Timezone      string   `json:"serverTimezone"`
		AuthProvider  []string `json:"authProvider"`
		AI            struct {
			Enable        bool `json:"enable"`
			ContextWindow int  `json:"contextWindow"`
		} `json:"ai"`
		Observability struct {
			Tianji struct {
				BaseURL string `json:"baseUrl"`
			} `json:"tianji"`
		} `json:"observability"`
	}
	if err := json.Unmarshal([]byte(first), &got); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if !got.AllowRegister || got.WebsiteID == nil || *got.WebsiteID != "site-1" || !got.AlphaMode || !got.Telemetry ||
		got.Timezone != "Asia/Shanghai" || strings.Join(got.AuthProvider, "|") != "email|github|custom" ||
		!got.AI.Enable || got.AI.ContextWindow != 128000 || got.Observability.Tianji.BaseURL != "https://tianji.example.com" {
		t.Errorf("config: got %+v", got)
	}
}

func TestDocument(t *testing.T) {
	f := newFunction(t, nil)
	v := openapitest.New(t)
	resp := handle(t, f, v, fntest.Request{Method: "GET", Path: "/open/_document", Headers: map[string]string{"Authorization": "Bearer whatever"}})
	var doc struct {
		OpenAPI string         `json:"openapi"`
		Paths   map[string]any `json:"paths"`
	}
	if resp.StatusCode != 200 || json.Unmarshal([]byte(resp.Body), &doc) != nil || doc.OpenAPI != "3.0.3" {
		t.Fatalf("document: got %d %.200s", resp.StatusCode, resp.Body)
	}
	if _, ok := doc.Paths["/open/apikeys/{keyId}/rotate"]; !ok {
		t.Errorf("document lacks the rotate route")
	}
}

func TestUnknownRoutes(t *testing.T) {
	f := newFunction(t, map[string]string{"CORS_ALLOW_ORIGIN": "https://app.example.com"})
	v := openapitest.New(t)
	for _, r := range []fntest.Request{
		{Method: "POST", Path: "/open/global/config", Body: `{}`},
		{Method: "GET", Path: "/open/global/config/extra"},
		{Method: "GET", Path: "/open/global/../global/config"},
		{Method: "GET", Path: "/"},
	} {
		resp := handle(t, f, v, r)
		fntest.AssertError(t, resp, 404, apperr.NotFound)
		if got := fntest.Header(resp, "Access-Control-Allow-Origin"); got != "https://app.example.com" {
			t.Errorf("CORS origin: got %q", got)
		}
	}
	resp := handle(t, f, v, fntest.Request{Method: "OPTIONS", Path: "/open/global/config"})
	if resp.StatusCode != 204 || fntest.Header(resp, "Access-Control-Allow-Headers") == "" {
		t.Errorf("preflight: got %d %v", resp.StatusCode, resp.MultiValueHeaders)
	}
}
