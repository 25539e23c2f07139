package lambdaenv_test

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"keygate/shared/httpapi"
	"keygate/shared/lambdaenv"
)

// readerOf is each template function's settings reader.
var readerOf = map[string]string{
	"AuthorizerFunction":      "Authorizer",
	"ApiKeysFunction":         "APIKeys",
	"IdentityFunction":        "TableFunction",
	"JwksFunction":            "TableFunction",
	"WebhooksFunction":        "Webhooks",
	"WebhookDeliveryFunction": "WebhookDelivery",
	"WebhookWorkerFunction":   "WebhookWorker",
	"UsageAggregatorFunction": "UsageAggregator",
	"ConfigFunction":          "ConfigFunction",
}

// localOnly are variables no template sets: Lambda's own, and the local
// stack's.
var localOnly = []string{"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
	"SIGNING_KEY_FILE", "WEBHOOK_ALLOW_LOOPBACK", "SQS_ENDPOINT", "JWT_ALLOW_LOOPBACK_HTTP"}

// namesRead runs reader on an environment that turns every option on
// (an upstream included) and returns the variables it asked for.
func namesRead(tb testing.TB, reader string) []string {
	tb.Helper()
	var names []string
	env := lambdaenv.FromGetenv(func(name string) string {
		names = append(names, name)
		if name == "UPSTREAM_URL" {
			return "https://api.example.com"
		}
		return ""
	})
	if _, ok := readers[reader]; !ok {
		tb.Fatalf("no reader %q", reader)
	}
	_, _ = readers[reader](env) // unset required variables are errors; the names still count
	slices.Sort(names)
	return slices.Compact(names)
}

// TestTemplateVariablesAreRead: every variable template.yaml sets for a
// function is one its reader reads, every Globals variable is read by some
// Lambda, and every variable a reader reads is set by the template or by
// Lambda or the local stack: env.go and the template describe the same
// environment.
func TestTemplateVariablesAreRead(t *testing.T) {
	vars := templateVariables(t)
	if len(vars["Function"]) == 0 || len(vars) < 2 {
		t.Fatalf("template.yaml: got variables %v, want Globals' and the functions'", vars)
	}
	var all []string
	for reader := range readers {
		all = append(all, namesRead(t, reader)...)
	}
	set := slices.Clone(localOnly)
	for id, names := range vars {
		set = append(set, names...)
		t.Run(id, func(t *testing.T) {
			if id == "Function" { // Globals: some Lambda reads each
				for _, name := range names {
					if !slices.Contains(all, name) {
						t.Errorf("Globals sets %s: no reader reads it", name)
					}
				}
				return
			}
			reader, ok := readerOf[id]
			if !ok {
				t.Fatalf("template function %s has variables but no reader: add one to lambdaenv (env.go) and to readerOf", id)
			}
			read := namesRead(t, reader)
			for _, name := range names {
				if !slices.Contains(read, name) {
					t.Errorf("template.yaml sets %s for %s: %s does not read it, got %v", name, id, reader, read)
				}
			}
		})
	}
	for _, name := range all {
		if !slices.Contains(set, name) {
			t.Errorf("a reader reads %s, which neither template.yaml nor Lambda sets", name)
		}
	}
}

// templateVariables reads the Environment variables of template.yaml, by
// logical ID ("Function" for Globals). It reads the YAML by indentation,
// as the template is written: a "Variables:" key, then one NAME: per line.
func templateVariables(tb testing.TB) map[string][]string {
	tb.Helper()
	f, err := os.Open(filepath.Join("..", "..", "template.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	key := regexp.MustCompile(`^( *)([A-Za-z0-9_]+):`)
	vars := map[string][]string{}
	owner, varsIndent := "", -1
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		m := key.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		indent := len(m[1])
		if varsIndent >= 0 && indent > varsIndent {
			vars[owner] = append(vars[owner], m[2])
			continue
		}
		varsIndent = -1
		switch {
		case indent == 2:
			owner = m[2]
		case m[2] == "Variables":
			varsIndent = indent
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return vars
}

// TestDefaultAllowOrigin: the functions' CORS default is httpapi's.
func TestDefaultAllowOrigin(t *testing.T) {
	if got, want := lambdaenv.DefaultAllowOrigin, httpapi.DefaultAllowOrigin; got != want {
		t.Errorf("lambdaenv.DefaultAllowOrigin: got %q, want httpapi's %q", got, want)
	}
}
