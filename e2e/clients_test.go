package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// The spec's placeholders, substituted and nothing else.
const (
	specBaseURL = "https://your-tianji-domain.com"
	specKey     = "<your_api_key_here>"
)

// specText is the spec page as the project keeps it (testdata/spec-000.txt,
// Tianji's authentication page): the contract its client examples must keep.
func specText(tb testing.TB) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "spec-000.txt"))
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

var fence = regexp.MustCompile("(?s)```([a-z]+)\\n(.*?)```")

// allBlocks returns the spec's fenced code blocks by language, in order.
func allBlocks(tb testing.TB) map[string][]string {
	tb.Helper()
	out := map[string][]string{}
	for _, m := range fence.FindAllStringSubmatch(specText(tb), -1) {
		out[m[1]] = append(out[m[1]], m[2])
	}
	return out
}

// codeBlocks returns the spec's client examples by language: exactly one
// each of bash, javascript, python and php.
func codeBlocks(tb testing.TB) map[string]string {
	tb.Helper()
	all := allBlocks(tb)
	out := map[string]string{}
	for _, lang := range []string{"bash", "javascript", "python", "php"} {
		if len(all[lang]) != 1 {
			tb.Fatalf("the spec has %d %s examples, want 1", len(all[lang]), lang)
		}
		out[lang] = all[lang][0]
	}
	return out
}

// TestSpecBodiesAreTheSpecs checks that the 401 and 403 bodies the other
// tests compare against are the spec's JSON blocks, byte for byte.
func TestSpecBodiesAreTheSpecs(t *testing.T) {
	blocks := allBlocks(t)["json"]
	if len(blocks) != 2 {
		t.Fatalf("got %d json blocks in the spec, want 2 (401 and 403)", len(blocks))
	}
	for i, want := range []string{spec401, spec403} {
		if got := strings.TrimSuffix(blocks[i], "\n"); got != want {
			t.Errorf("spec block %d: got %q, want %q", i, got, want)
		}
	}
}

// splitJS splits the spec's JavaScript block into its fetch and axios
// examples: both declare `const response`, so they are two programs sharing
// the setup lines before "// Using fetch".
func splitJS(tb testing.TB, block string) (fetchEx, axiosEx string) {
	tb.Helper()
	setup, rest, ok := strings.Cut(block, "// Using fetch")
	fetchPart, axiosPart, ok2 := strings.Cut(rest, "// Using axios")
	if !ok || !ok2 {
		tb.Fatalf("unexpected JavaScript example layout:\n%s", block)
	}
	return setup + "// Using fetch" + fetchPart, setup + "// Using axios" + axiosPart
}

// interpreter returns the first of names that runs check successfully, or
// fails the test with the install command.
func interpreter(tb testing.TB, install string, check []string, names ...string) string {
	tb.Helper()
	for _, n := range names {
		path, err := exec.LookPath(n)
		if err != nil {
			continue
		}
		if out, err := exec.Command(path, check...).CombinedOutput(); err == nil {
			return path
		} else {
			tb.Logf("%s %s: %v %s", path, strings.Join(check, " "), err, out)
		}
	}
	tb.Fatalf("no usable %s: install it with: %s", names[0], install)
	return ""
}

// nodeModules installs the e2e's npm packages (axios, jose,
// playwright-core) from package-lock.json into e2e/node_modules when any is
// missing.
func nodeModules(tb testing.TB) {
	tb.Helper()
	complete := true
	for _, pkg := range []string{"axios", "jose", "playwright-core", "standardwebhooks", "@readme/oas-examples"} {
		if _, err := os.Stat(filepath.Join("node_modules", pkg, "package.json")); err != nil {
			complete = false
		}
	}
	if complete {
		return
	}
	cmd := exec.CommandContext(tb.Context(), "npm", "ci", "--no-audit", "--no-fund")
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("e2e/node_modules is incomplete and npm ci failed (%v): run (cd e2e && npm ci)\n%s", err, out)
	}
}

// authRecorder serves next and records each request's Authorization header.
type authRecorder struct {
	next http.Handler
	mu   sync.Mutex
	got  []string
}

func (a *authRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	a.got = append(a.got, r.Header.Get("Authorization"))
	a.mu.Unlock()
	a.next.ServeHTTP(w, r)
}

// take returns the headers recorded since the last take.
func (a *authRecorder) take() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	got := a.got
	a.got = nil
	return got
}

// TestSpecClientExamples runs each client example of the spec as written,
// with only the base URL and the key substituted, and checks its output and
// that every request it sent carried the substituted key. (The examples call
// /open/global/config, which answers the same with or without a key, so
// only the recorded header shows the key reached the gateway.)
func TestSpecClientExamples(t *testing.T) {
	s := newStack(t)
	gw := s.gateway(t, nil)
	rec := &authRecorder{next: gw.gw}
	ts := httptest.NewServer(rec)
	t.Cleanup(ts.Close)
	srv := server{url: ts.URL + "/" + gw.gw.Stage(), gw: gw.gw}
	s.user(t, "frank", nil)
	key := s.key(t, "frank")
	want := srv.do(t, "GET", "/open/global/config", "", "")
	if want.status != 200 {
		t.Fatalf("config: got %d, want 200", want.status)
	}
	var wantJSON any
	want.decode(t, &wantJSON)
	rec.take()

	blocks := codeBlocks(t)
	sub := func(code string) string {
		return strings.ReplaceAll(strings.ReplaceAll(code, specBaseURL, srv.url), specKey, key)
	}
	fetchEx, axiosEx := splitJS(t, blocks["javascript"])
	dir := t.TempDir()
	abs, err := filepath.Abs("node_modules")
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		// prepare checks the interpreter and returns the command to run.
		prepare func(t *testing.T) []string
		file    string
		// program is the example with its placeholders substituted and,
		// where the example only assigns the result, a line printing it.
		program string
	}{
		{
			name: "cURL",
			prepare: func(t *testing.T) []string {
				interpreter(t, "apt-get install -y curl", []string{"--version"}, "curl")
				return []string{interpreter(t, "apt-get install -y bash", []string{"--version"}, "bash")}
			},
			file:    "example.sh",
			program: sub(blocks["bash"]),
		},
		{
			name: "JavaScript fetch",
			prepare: func(t *testing.T) []string {
				return []string{interpreter(t, "apt-get install -y nodejs (Node 18 or later, for fetch)", []string{"-e", "if (typeof fetch !== 'function') process.exit(1)"}, "node")}
			},
			file:    "fetch.cjs",
			program: "(async () => {\n" + sub(fetchEx) + "\nconsole.log(JSON.stringify(await response.json()));\n})().catch((e) => { console.error(e); process.exit(1); });\n",
		},
		{
			name: "JavaScript axios",
			prepare: func(t *testing.T) []string {
				nodeModules(t)
				return []string{interpreter(t, "apt-get install -y nodejs", []string{"--version"}, "node")}
			},
			file:    "axios.cjs",
			program: "(async () => {\n" + sub(axiosEx) + "\nconsole.log(JSON.stringify(response.data));\n})().catch((e) => { console.error(e); process.exit(1); });\n",
		},
		{
			name: "Python requests",
			prepare: func(t *testing.T) []string {
				return []string{interpreter(t, "apt-get install -y python3-requests (or: pip install requests)", []string{"-c", "import requests"}, "python3", "/usr/bin/python3")}
			},
			file:    "example.py",
			program: sub(blocks["python"]) + "\nimport json\nprint(json.dumps(data))\n",
		},
		{
			name: "PHP curl",
			prepare: func(t *testing.T) []string {
				return []string{interpreter(t, "apt-get install -y php-cli php-curl", []string{"-r", "exit(function_exists('curl_init') ? 0 : 1);"}, "php")}
			},
			file:    "example.php",
			program: strings.Replace(sub(blocks["php"]), "?>", "echo json_encode($data);\n?>", 1),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			argv := tt.prepare(t)
			path := filepath.Join(dir, tt.file)
			if err := os.WriteFile(path, []byte(tt.program), 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.CommandContext(t.Context(), argv[0], append(argv[1:], path)...)
			cmd.Env = append(os.Environ(), "NODE_PATH="+abs)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("%s: %v\nprogram:\n%s\nstderr:\n%s", tt.name, err, tt.program, stderr.String())
			}
			var got any
			if err := json.Unmarshal(bytes.TrimSpace(out), &got); err != nil {
				t.Fatalf("output is not JSON: %v\n%s", err, out)
			}
			if !reflect.DeepEqual(got, wantJSON) {
				t.Errorf("got %s, want %s", out, want.body)
			}
			headers := rec.take()
			if len(headers) == 0 {
				t.Fatalf("got no request at the gateway, want the example's")
			}
			for i, h := range headers {
				if h != "Bearer "+key {
					t.Errorf("request %d: got Authorization %q, want \"Bearer \" and the substituted key", i+1, h)
				}
			}
		})
	}
}
