package templatecheck_test

import (
	"encoding/json"
	"keygate/shared/keys"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestCfnLint runs cfn-lint (with the SAM translator it bundles) on template.yaml: it must
// report nothing at all, warnings included.
func TestCfnLint(t *testing.T) {
	bin, err := exec.LookPath("cfn-lint")
	if err != nil {
		t.Fatal("cfn-lint is not on PATH: make test and .ci/run need it there (.ci/run does not install it). " +
			"Install it from PyPI (`pipx install cfn-lint` or `pip install cfn-lint`, Python 3.9+, " +
			"aws-sam-translator included) or Homebrew (`brew install cfn-lint`), then run `cfn-lint template.yaml`")
	}
	cmd := exec.CommandContext(t.Context(), bin, "--", "template.yaml")
	cmd.Dir = repoRoot(t)
	out, err := cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "" {
		t.Fatalf("cfn-lint template.yaml: %v\n%s", err, out)
	}
}

// samTransform runs scripts/sam-transform (the AWS SAM translator, which
// cfn-lint brings) on template.yaml with parameter overrides and returns the
// CloudFormation template as SAM would deploy it.
func samTransform(t *testing.T, at int64, params ...string) map[string]any {
	t.Helper()
	return samTransformFile(t, "template.yaml", at, params...)
}

// samTransformFile is samTransform of the template at path.
func samTransformFile(t *testing.T, path string, at int64, params ...string) map[string]any {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "python3", append([]string{filepath.Join("scripts", "sam-transform"), path}, params...)...)
	cmd.Dir = repoRoot(t)
	cmd.Env = append(os.Environ(), "SAM_TRANSFORM_TIME="+strconv.FormatInt(at, 10))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("scripts/sam-transform: %v (the SAM translator comes with cfn-lint: pip install cfn-lint)\n%s", err, stderr.String())
	}
	var doc map[string]any
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("sam-transform output: %v", err)
	}
	return doc
}

func deployments(doc map[string]any) []string {
	var out []string
	for id, r := range doc["Resources"].(map[string]any) {
		if r.(map[string]any)["Type"] == "AWS::ApiGateway::Deployment" {
			out = append(out, id)
		}
	}
	return out
}

// TestEveryStackUpdateDeploysTheStage: SAM names the API's Deployment
// after a hash of its unresolved definition, so a change of CorsAllowOrigin
// alone would keep the old deployment (and origin) on the stage; with
// AlwaysDeploy every transform (each deploy, a second or more apart) gets a
// new Deployment.
func TestEveryStackUpdateDeploysTheStage(t *testing.T) {
	a := deployments(samTransform(t, 1_800_000_000, "CorsAllowOrigin=https://a.example.com"))
	b := deployments(samTransform(t, 1_800_000_060, "CorsAllowOrigin=https://b.example.com"))
	if len(a) != 1 || len(b) != 1 || a[0] == b[0] {
		t.Errorf("Deployments: got %v and %v, want one each, with different logical ids", a, b)
	}
}

// TestCfnLintTransformed runs cfn-lint on the template as SAM transforms
// it: what CloudFormation receives must be clean too.
func TestCfnLintTransformed(t *testing.T) {
	doc := samTransform(t, time.Now().Unix())
	path := filepath.Join(t.TempDir(), "transformed.json")
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(t.Context(), "cfn-lint", "--", path).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "" {
		t.Fatalf("cfn-lint on the transformed template: %v\n%s", err, out)
	}
}

// TestFlushFailureAlarm: the metric filter counts exactly the line the
// apikeys function logs when a flush fails (slog's JSON "msg"), and an
// alarm fires on the first.
func TestFlushFailureAlarm(t *testing.T) {
	raw := string(readFile(t, filepath.Join(repoRoot(t), "template.yaml")))
	if want := `FilterPattern: '{ $.` + slog.MessageKey + ` = "` + keys.FlushFailedMessage + `*" }'`; !strings.Contains(raw, want) {
		t.Errorf("template.yaml: no metric filter %s", want)
	}
	for _, want := range []string{"MetricName: CacheFlushFailures", "Type: AWS::CloudWatch::Alarm", "Threshold: 1", "LogGroupName: !Ref ApiKeysFunctionLogGroup"} {
		if !strings.Contains(raw, want) {
			t.Errorf("template.yaml: no %q", want)
		}
	}
}
