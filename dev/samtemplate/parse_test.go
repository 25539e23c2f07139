package samtemplate_test

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"keygate/dev/samtemplate"
)

func loadIntrinsics(tb testing.TB, overrides map[string]string) *samtemplate.Template {
	tb.Helper()
	t, err := samtemplate.Load(filepath.Join("testdata", "intrinsics.yaml"), overrides)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// TestLoadResolvesIntrinsics covers the intrinsic functions the reader evaluates.
func TestLoadResolvesIntrinsics(t *testing.T) {
	cases := []struct {
		name      string
		overrides map[string]string
		env       map[string]string // WorkFn's environment
		resource  string            // AuthFn's statement resource
	}{
		{
			name: "defaults",
			env: map[string]string{"SHARED": "us-east-1-dev", "OVERRIDDEN": "local", "TABLE": "tbl-dev",
				"LIT": "${NotAVar}-dev", "VARS": "dev/x-b", "BOTH": "no", "LONG": "keygate:dev", "SPLIT": "c"},
			resource: "Table.Arn/index/*",
		},
		{
			name:      "overrides",
			overrides: map[string]string{"Stage": "prod", "Flag": "on", "AWS::Region": "eu-west-1", "AWS::StackName": "s"},
			env: map[string]string{"SHARED": "eu-west-1-prod", "OVERRIDDEN": "local", "TABLE": "tbl-prod",
				"LIT": "${NotAVar}-prod", "VARS": "prod/x-b", "GONE": "here", "BOTH": "yes", "LONG": "s:prod", "SPLIT": "c"},
			resource: "Table.Arn",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tpl := loadIntrinsics(t, c.overrides)
			if got := tpl.Functions["WorkFn"].Env; !reflect.DeepEqual(got, c.env) {
				t.Errorf("env:\n got %v\nwant %v", got, c.env)
			}
			if got := tpl.Functions["AuthFn"].Policies[0].Resources; !reflect.DeepEqual(got, []string{c.resource}) {
				t.Errorf("resource: got %v, want %v", got, []string{c.resource})
			}
		})
	}
}

// TestLoadAPI covers the API, routes, authorizer, gateway responses and Globals.
func TestLoadAPI(t *testing.T) {
	tpl := loadIntrinsics(t, map[string]string{"Stage": "prod", "Ttl": "0", "Api": "id42"})
	wantRoutes := []samtemplate.Route{
		{Method: "DELETE", Path: "/a/{id}", FunctionID: "WorkFn", EventID: "Private", Authorized: true, Authorizer: "Auth"},
		{Method: "GET", Path: "/p", FunctionID: "WorkFn", EventID: "Public"},
	}
	wantAuth := samtemplate.Authorizer{Name: "Auth", FunctionID: "AuthFn", PayloadType: "REQUEST",
		IdentityHeader: "X-Key", IdentityHeaders: []string{"X-Key", "X-Other"}, TTLSeconds: 0}
	auth := tpl.Functions["AuthFn"]
	work := tpl.Functions["WorkFn"]
	checks := []struct {
		name      string
		got, want any
	}{
		{"stage", tpl.Stage, "prod"},
		{"routes", tpl.Routes, wantRoutes},
		{"authorizer", tpl.Authorizer, wantAuth},
		{"cors", tpl.Cors, samtemplate.Cors{AllowOrigin: "'*'"}},
		{"binary media types unescaped", tpl.BinaryMediaTypes, []string{"image/png", "*/*"}},
		{"401 status", tpl.GatewayResponses["UNAUTHORIZED"].StatusCode, 401},
		{"401 header", tpl.GatewayResponses["UNAUTHORIZED"].Headers, map[string]string{"X-Stage": "'prod'"}},
		{"401 body", tpl.GatewayResponses["UNAUTHORIZED"].Body, `{"error":"no"}`},
		{"global timeout overridden", auth.Timeout, 3},
		{"global timeout", work.Timeout, 5},
		{"global runtime", work.Runtime, "provided.al2023"},
		{"managed policies", auth.ManagedPolicies, []string{"AWSLambdaBasicExecutionRole"}},
		{"attached policy", work.Policies, []samtemplate.Statement{{Effect: "Allow", Actions: []string{"apigateway:DELETE"},
			Resources: []string{"arn:aws:apigateway:us-east-1::/restapis/id42/stages/prod/cache/authorizers"}}}},
		{"table name", tpl.Table.Name, "tbl-prod"},
		{"table billing default", tpl.Table.BillingMode, "PROVISIONED"},
		{"output", tpl.Outputs["Name"], "tbl-prod"},
		{"routes of WorkFn", len(tpl.RoutesOf("WorkFn")), 2},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if !reflect.DeepEqual(c.got, c.want) {
				t.Errorf("got %v, want %v", c.got, c.want)
			}
		})
	}
}

// TestLoadRejectsBadOverrides: overrides are checked as CloudFormation checks parameters.
func TestLoadRejectsBadOverrides(t *testing.T) {
	cases := []struct {
		name      string
		overrides map[string]string
		wantErr   string
	}{
		{"not allowed", map[string]string{"Stage": "qa"}, "not one of"},
		{"above max", map[string]string{"Ttl": "3601"}, "out of range"},
		{"not a number", map[string]string{"Ttl": "soon"}, "not a number"},
		{"unknown name", map[string]string{"Stagee": "dev"}, "no such parameter"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := samtemplate.Load(filepath.Join("testdata", "intrinsics.yaml"), c.overrides)
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("error: got %v, want one containing %q", err, c.wantErr)
			}
		})
	}
}

// TestUnquote: API Gateway static values lose their quotes; mapping expressions are kept.
func TestUnquote(t *testing.T) {
	cases := []struct{ in, want string }{
		{"'*'", "*"},
		{"'Authorization,Content-Type'", "Authorization,Content-Type"},
		{"method.request.header.Origin", "method.request.header.Origin"},
		{"'", "'"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			if got := samtemplate.Unquote(c.in); got != c.want {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}
