package templatecheck_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"keygate/shared/apidoc/compile"
)

// TestComposedTemplate: template.yaml with the seed APIs' document, as
// make build composes it for sam build, is cfn-lint clean, and SAM gives
// each authorized operation the operations authorizer (identity: the
// token, the source address, the method and the resource path) and the
// API key, and the public operation neither.
func TestComposedTemplate(t *testing.T) {
	root := repoRoot(t)
	tpl, err := os.ReadFile(filepath.Join(root, "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(filepath.Join(root, "examples", "api", "openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := compile.Compile(doc, compile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	composed, err := compile.ComposeTemplate(tpl, d)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "template.yaml")
	if err := os.WriteFile(path, composed, 0o644); err != nil {
		t.Fatal(err)
	}
	bin, err := exec.LookPath("cfn-lint")
	if err != nil {
		t.Fatal("cfn-lint is not on PATH")
	}
	if out, err := exec.CommandContext(t.Context(), bin, "--", path).CombinedOutput(); err != nil || strings.TrimSpace(string(out)) != "" {
		t.Fatalf("cfn-lint on the composed template: %v\n%s", err, out)
	}
	cf := samTransformFile(t, path, 1_800_000_000, "UpstreamUrl=https://api.example.com")
	var body map[string]any
	for _, r := range cf["Resources"].(map[string]any) {
		if r := r.(map[string]any); r["Type"] == "AWS::ApiGateway::RestApi" {
			body = r["Properties"].(map[string]any)["Body"].(map[string]any)
		}
	}
	security := func(path, method string) string {
		op := body["paths"].(map[string]any)[path].(map[string]any)[method].(map[string]any)
		if cond, ok := op["Fn::If"].([]any); ok {
			op = cond[1].(map[string]any)
		}
		b, _ := json.Marshal(op["security"])
		return string(b)
	}
	for _, tt := range []struct{ path, method, want string }{
		{"/v2/users", "get", `[{"OperationsAuthorizer":[]},{"api_key":[]}]`},
		{"/v2/projects/{id}", "put", `[{"OperationsAuthorizer":[]},{"api_key":[]}]`},
		{"/v1/generate", "post", `[{"OperationsAuthorizer":[]},{"api_key":[]}]`},
		{"/v1/status", "get", `[]`},
	} {
		if got := security(tt.path, tt.method); got != tt.want {
			t.Errorf("%s %s: security %s, want %s", tt.method, tt.path, got, tt.want)
		}
	}
	// The team's document replaces the default one: of the workspace
	// routes only keygate's own GET (and CORS's OPTIONS) is left.
	for path, item := range body["paths"].(map[string]any) {
		for method := range item.(map[string]any) {
			if strings.HasPrefix(path, "/open/workspace/") && method != "get" && method != "options" {
				t.Errorf("%s %s: the default document's operation is still there", method, path)
			}
		}
	}
	scheme := body["components"].(map[string]any)["securitySchemes"].(map[string]any)[compile.OperationsAuthorizer].(map[string]any)
	source := scheme["x-amazon-apigateway-authorizer"].(map[string]any)["identitySource"]
	if want := "method.request.header.Authorization, context.identity.sourceIp, context.httpMethod, context.resourcePath"; source != want {
		t.Errorf("the operations authorizer's identity sources: %v, want %s", source, want)
	}
}
