package templatecheck_test

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestEnvJSON: env.json (sam local invoke/start-api --env-vars) names only the template's
// functions and only variables the template declares for them: SAM ignores any other.
func TestEnvJSON(t *testing.T) {
	tpl := loadTemplate(t, nil)
	var env map[string]map[string]string
	if err := json.Unmarshal(readFile(t, filepath.Join(repoRoot(t), "env.json")), &env); err != nil {
		t.Fatalf("env.json: %v", err)
	}
	for _, id := range sortedIDs(tpl.Functions) {
		if _, ok := env[id]; !ok {
			t.Errorf("env.json: no entry for %s", id)
		}
	}
	for id, vars := range env {
		f, ok := tpl.Functions[id]
		if !ok {
			t.Errorf("env.json: %s is not a function of the template", id)
			continue
		}
		for k := range vars {
			if _, ok := f.Env[k]; !ok {
				t.Errorf("env.json: %s.%s is not declared in the template, so SAM would ignore it", id, k)
			}
		}
	}
}

var (
	overridesLine = regexp.MustCompile(`(?m)^parameter_overrides = "(.*)"$`)
	overridePair  = regexp.MustCompile(`([A-Za-z0-9]+)=\\"([^"\\]*)\\"`)
)

// TestSamconfigOverrides: every parameter_overrides entry in samconfig.toml names a template
// parameter with a value it accepts.
func TestSamconfigOverrides(t *testing.T) {
	tpl := loadTemplate(t, nil)
	lines := overridesLine.FindAllStringSubmatch(string(readFile(t, filepath.Join(repoRoot(t), "samconfig.toml"))), -1)
	if len(lines) < 2 {
		t.Fatalf("samconfig.toml: got %d parameter_overrides lines, want the default and prod ones", len(lines))
	}
	for _, l := range lines {
		pairs := overridePair.FindAllStringSubmatch(l[1], -1)
		if got, want := len(pairs), strings.Count(l[1], "="); got != want {
			t.Errorf("parameter_overrides %q: parsed %d pairs, want %d", l[1], got, want)
		}
		for _, p := range pairs {
			param, ok := tpl.Parameters[p[1]]
			if !ok {
				t.Errorf("samconfig.toml: %s is not a template parameter", p[1])
				continue
			}
			if err := param.Check(p[2]); err != nil {
				t.Errorf("samconfig.toml: %v", err)
			}
		}
	}
}
