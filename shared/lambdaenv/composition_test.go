package lambdaenv_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// root is the module's root, from this package's folder.
var root = filepath.Join("..", "..")

// TestBootstrapsLinkNoDevPackage: what ships is what the bootstraps link,
// and none of it is development code (dev/: the local gateway, the test
// kits, bench) or the CLI. It checks every bootstrap folder on disk,
// authorizer/bootstrap, functions/*/bootstrap and examples/*/bootstrap, as
// the Lambda build sees them (linux/arm64, -tags lambda.norpc).
func TestBootstrapsLinkNoDevPackage(t *testing.T) {
	var pkgs []string
	for _, pattern := range []string{"authorizer/bootstrap", "functions/*/bootstrap", "examples/*/bootstrap"} {
		dirs, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range dirs {
			rel, err := filepath.Rel(root, d)
			if err != nil {
				t.Fatal(err)
			}
			pkgs = append(pkgs, "keygate/"+filepath.ToSlash(rel))
		}
	}
	if len(pkgs) < 7 || !slices.Contains(pkgs, "keygate/authorizer/bootstrap") || !slices.Contains(pkgs, "keygate/functions/config/bootstrap") {
		t.Fatalf("bootstraps on disk: got %v, want the authorizer's and every function's", pkgs)
	}
	deps := listDeps(t, pkgs)
	for _, p := range pkgs {
		t.Run(strings.TrimPrefix(p, "keygate/"), func(t *testing.T) {
			linked, ok := deps[p]
			if !ok || !slices.Contains(linked, "keygate/shared/lambdaenv") {
				t.Fatalf("go list: got %v for %s, want its dependencies, lambdaenv among them", linked, p)
			}
			for _, d := range linked {
				if strings.HasPrefix(d, "keygate/dev/") || strings.HasPrefix(d, "keygate/cmd/") || strings.HasPrefix(d, "keygate/e2e") {
					t.Errorf("%s links %s: development code and the CLI never ship", p, d)
				}
			}
		})
	}
}

// listDeps returns each package's transitive dependencies in the Lambda
// build.
func listDeps(tb testing.TB, pkgs []string) map[string][]string {
	tb.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		tb.Fatalf("the go command is needed to list the bootstraps' packages: %v", err)
	}
	args := append([]string{"list", "-tags", "lambda.norpc", "-f", "{{.ImportPath}}{{range .Deps}} {{.}}{{end}}"}, pkgs...)
	cmd := exec.CommandContext(tb.Context(), goBin, args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("go list: %v\n%s", err, out)
	}
	deps := map[string][]string{}
	for line := range strings.SplitSeq(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) > 0 {
			deps[f[0]] = f[1:]
		}
	}
	return deps
}

// TestOnlyEnvGoReadsTheEnvironment: in the code that ships (authorizer/,
// functions/, shared/, examples/), env.go is the one file that reads the
// environment or takes a getenv function; everything else takes typed
// settings. The CLI (cmd/) and dev/ are programs of their own.
func TestOnlyEnvGoReadsTheEnvironment(t *testing.T) {
	reads := regexp.MustCompile(`\bos\.(Getenv|LookupEnv|Environ|ExpandEnv|Setenv|Unsetenv|Clearenv)\b|\bsyscall\.(Getenv|Environ)\b|(?i)getenv`)
	own := filepath.Join(root, "shared", "lambdaenv", "env.go")
	checked := 0
	for _, dir := range []string{"authorizer", "functions", "shared", "examples"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || path == own {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			checked++
			for i, line := range strings.Split(string(b), "\n") {
				if m := reads.FindString(line); m != "" {
					t.Errorf("%s:%d: %s: read the environment in shared/lambdaenv/env.go and pass typed settings", path, i+1, m)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if checked < 50 {
		t.Fatalf("checked %d files, want the tree's", checked)
	}
}
