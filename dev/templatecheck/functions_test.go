package templatecheck_test

import (
	"fmt"
	"reflect"
	"testing"
)

func equalAny(a, b any) bool { return reflect.DeepEqual(a, b) }

// TestFunctionsRuntime: every function is a makefile-built arm64 bootstrap on provided.al2023
// with JSON logs into its own log group and the shared environment.
func TestFunctionsRuntime(t *testing.T) {
	tpl := loadTemplate(t, map[string]string{"KeysTable": "keygate-test", "KeyPrefix": "kg"})
	for _, id := range []string{"AuthorizerFunction", "ApiKeysFunction", "IdentityFunction", "ConfigFunction"} {
		t.Run(id, func(t *testing.T) {
			f, ok := tpl.Functions[id]
			if !ok {
				t.Fatalf("no function %s", id)
			}
			checks := []struct {
				name      string
				got, want any
			}{
				{"runtime", f.Runtime, "provided.al2023"},
				{"architectures", f.Architectures, []string{"arm64"}},
				{"handler", f.Handler, "bootstrap"},
				{"build method", f.BuildMethod, "makefile"},
				{"code uri", f.CodeURI, "."},
				{"log format", f.LogFormat, "JSON"},
				{"log group", f.LogGroup, "/aws/lambda/keygate/" + id},
				{"TABLE_NAME", f.Env["TABLE_NAME"], "keygate-test"},
				{"KEY_PREFIX", f.Env["KEY_PREFIX"], "kg"},
				{"CORS_ALLOW_ORIGIN", f.Env["CORS_ALLOW_ORIGIN"], "*"},
				{"memory set", f.MemorySize > 0, true},
				{"timeout below API Gateway's 29 s", f.Timeout > 0 && f.Timeout < 29, true},
			}
			for _, c := range checks {
				if !equalAny(c.got, c.want) {
					t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
				}
			}
		})
	}
}

// TestConfigEnvironment: the config function gets every global-config value from a template
// parameter under the names the contract fixes.
func TestConfigEnvironment(t *testing.T) {
	tpl := loadTemplate(t, map[string]string{"AllowRegister": "true", "AuthProvider": "email,github", "AiContextWindow": "32000"})
	env := tpl.Functions["ConfigFunction"].Env
	names := []string{"ALLOW_REGISTER", "WEBSITE_ID", "AMAP_TOKEN", "MAPBOX_TOKEN", "ALPHA_MODE",
		"DISABLE_ANONYMOUS_TELEMETRY", "CUSTOM_TRACKER_SCRIPT_NAME", "SERVER_TIMEZONE", "AUTH_PROVIDER",
		"CUSTOM_AUTH_PROVIDER_ICON", "SMTP_AVAILABLE", "ENABLE_BILLING", "AI_ENABLE", "AI_CONTEXT_WINDOW",
		"ENABLE_FUNCTION_WORKER", "OBSERVABILITY_TIANJI_BASE_URL", "OBSERVABILITY_TIANJI_WEBSITE_ID"}
	for _, n := range names {
		if _, ok := env[n]; !ok {
			t.Errorf("ConfigFunction environment: %s missing", n)
		}
	}
	for k, want := range map[string]string{"ALLOW_REGISTER": "true", "AUTH_PROVIDER": "email,github", "AI_CONTEXT_WINDOW": "32000", "SERVER_TIMEZONE": "UTC"} {
		if got := env[k]; got != want {
			t.Errorf("%s: got %v, want %v", k, got, want)
		}
	}
	for _, id := range []string{"AuthorizerFunction", "ApiKeysFunction", "IdentityFunction"} {
		for _, n := range names {
			if _, ok := tpl.Functions[id].Env[n]; ok {
				t.Errorf("%s has the config-only variable %s", id, n)
			}
		}
	}
}

// TestOutputs: the stack tells users where the API and the table are.
func TestOutputs(t *testing.T) {
	tpl := loadTemplate(t, map[string]string{"StageName": "prod", "AWS::Region": "eu-west-1", "KeygateApi": "abc123", "KeysTable": "keygate-KeysTable-X"})
	want := map[string]string{
		"ApiUrl":                    "https://abc123.execute-api.eu-west-1.amazonaws.com/prod",
		"ApiId":                     "abc123",
		"StageName":                 "prod",
		"TableName":                 "keygate-KeysTable-X",
		"JwksUrl":                   "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/open/.well-known/jwks.json",
		"WebhookDeadLetterQueueUrl": "WebhookDeadLetterQueue", "WebhookDeliveryQueueUrl": "WebhookDeliveryQueue",
	}
	if !equalAny(tpl.Outputs, want) {
		t.Errorf("outputs: got %v, want %v", tpl.Outputs, want)
	}
	if tpl.Stage != "prod" {
		t.Errorf("stage: got %v, want %v", tpl.Stage, "prod")
	}
}

// TestParameterConstraints: the template rejects what CloudFormation would reject.
func TestParameterConstraints(t *testing.T) {
	tpl := loadTemplate(t, nil)
	cases := []struct {
		param, value string
		ok           bool
	}{
		{"AuthorizerCacheTtl", "0", true},
		{"AuthorizerCacheTtl", "3600", true},
		{"AuthorizerCacheTtl", "3601", false},
		{"AuthorizerCacheTtl", "-1", false},
		{"KeyPrefix", "sk", true},
		{"KeyPrefix", "a0123456789abcde", true},
		{"KeyPrefix", "a0123456789abcdef", false},
		{"KeyPrefix", "Sk", false},
		{"KeyPrefix", "1k", false},
		{"LogRetentionInDays", "30", true},
		{"LogRetentionInDays", "31", false},
		{"AllowRegister", "yes", false},
		{"AuthProvider", "email,github", true},
		{"AuthProvider", "email,facebook", false},
		{"CorsAllowOrigin", "https://app.example.com", true},
		{"CorsAllowOrigin", "https://app.example.com/path", false},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s=%s", c.param, c.value), func(t *testing.T) {
			p, ok := tpl.Parameters[c.param]
			if !ok {
				t.Fatalf("no parameter %s", c.param)
			}
			if err := p.Check(c.value); (err == nil) != c.ok {
				t.Errorf("accepted: got %v, want %v (%v)", err == nil, c.ok, err)
			}
		})
	}
	for _, name := range []string{"StageName", "AuthorizerCacheTtl", "KeyPrefix", "CorsAllowOrigin", "LogRetentionInDays"} {
		if !tpl.Parameters[name].HasDefault {
			t.Errorf("parameter %s: no default", name)
		}
	}
}
