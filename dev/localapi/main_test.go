package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"keygate/dev/dynamolocal"
	"keygate/dev/testkit/oidcprovider"
)

func TestMain(m *testing.M) { dynamolocal.Main(m) }

// TestServe runs `localapi serve` as make run does (against the test
// DynamoDB Local instead of a data folder), reads the printed lines, calls
// the API with the printed key, and stops it with ctx.
func TestServe(t *testing.T) {
	lines, stop := startServe(t)
	req, _ := http.NewRequestWithContext(t.Context(), "GET", lines["KEYGATE_URL"]+"/open/workspace/"+lines["KEYGATE_WORKSPACE_ID"], nil)
	req.Header.Set("Authorization", "Bearer "+lines["KEYGATE_API_KEY"])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"role":"owner"`) {
		t.Errorf("demo workspace with the printed key: got %d %s, want 200 with role owner", resp.StatusCode, body)
	}
	// The console link opens the page and carries a sign-in link key: it
	// reaches only the exchange, which signs in once.
	page, key, ok := strings.Cut(lines["link"], "#key=")
	if !ok || page != lines["KEYGATE_CONSOLE"] {
		t.Fatalf("console link %q: want %s#key=<key>", lines["link"], lines["KEYGATE_CONSOLE"])
	}
	key, _ = url.QueryUnescape(key)
	for _, c := range []struct {
		name, method, path string
		want               int
	}{
		{"another route", "GET", "/open/apikeys", 403},
		{"the exchange", "POST", "/open/console/session", 201},
		{"the exchange again", "POST", "/open/console/session", 403},
	} {
		req, _ = http.NewRequestWithContext(t.Context(), c.method, lines["KEYGATE_URL"]+c.path, nil)
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("the console link's key, %s: %s %s got %d, want %d", c.name, c.method, c.path, resp.StatusCode, c.want)
		}
	}
	stop()
}

// startServe runs `localapi serve` with extra flags, as make run does
// (against the test DynamoDB Local instead of a data folder), and returns
// the lines it printed; stop ends it and checks it exited 0.
func startServe(t *testing.T, extra ...string) (lines map[string]string, stop func()) {
	t.Helper()
	endpoint := dynamolocal.Endpoint(t)
	ctx, cancel := context.WithCancel(t.Context())
	outR, outW := io.Pipe()
	done := make(chan int, 1)
	args := append([]string{"serve", "-addr", "127.0.0.1:0", "-template", "../../template.yaml",
		"-endpoint", endpoint, "-table", "localapi-test-" + strconv.FormatInt(time.Now().UnixNano(), 36)}, extra...)
	go func() {
		done <- run(ctx, args, outW, io.Discard)
		outW.Close()
	}()
	lines = map[string]string{}
	sc := bufio.NewScanner(outR)
	for lines["curl"] == "" && sc.Scan() {
		line := sc.Text()
		if k, v, ok := strings.Cut(line, "="); ok && strings.HasPrefix(k, "KEYGATE_") {
			lines[k] = v
		} else if strings.HasPrefix(line, "curl ") {
			lines["curl"] = line
		} else if _, link, ok := strings.Cut(line, "# the API Keys page, a link that signs demo-user in once (within 15 minutes): "); ok {
			lines["link"] = link
		}
	}
	go func() { _, _ = io.Copy(io.Discard, outR) }()
	for _, k := range []string{"KEYGATE_URL", "KEYGATE_API_KEY", "KEYGATE_WORKSPACE_ID", "KEYGATE_CONSOLE", "link", "curl"} {
		if lines[k] == "" {
			t.Fatalf("got lines %v, want %s", lines, k)
		}
	}
	return lines, func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("serve exit code: got %d, want 0", code)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("serve did not stop after cancel")
		}
	}
}

// TestServeWithParams: template parameter overrides (make run PARAMS=...)
// reach the stack: with JwtIssuer a loopback stand-in provider (http, which
// only the local stack allows), its tokens sign demo-user in.
func TestServeWithParams(t *testing.T) {
	p := oidcprovider.New(t, "local-api")
	lines, stop := startServe(t, "-param", "JwtIssuer="+p.URL, "-param", "JwtAudience=local-api")
	defer stop()
	req, _ := http.NewRequestWithContext(t.Context(), "GET", lines["KEYGATE_URL"]+"/open/auth/whoami", nil)
	req.Header.Set("Authorization", "Bearer "+p.Token(t, "demo-user", "read", time.Hour))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"userId":"demo-user"`) {
		t.Errorf("whoami with the provider's token: got %d %s, want demo-user", resp.StatusCode, body)
	}
}

// TestMakeRunParams: make run turns PARAMS into one -param flag each, as
// sam deploy --parameter-overrides takes them.
func TestMakeRunParams(t *testing.T) {
	out, err := exec.CommandContext(t.Context(), "make", "-s", "-n", "-C", "../..", "run", "PARAMS=JwtIssuer=http://127.0.0.1:9 JwtAudience=x").CombinedOutput()
	if err != nil {
		t.Fatalf("make -n run: %v\n%s", err, out)
	}
	if want := "-param 'JwtIssuer=http://127.0.0.1:9' -param 'JwtAudience=x'"; !strings.Contains(string(out), want) {
		t.Errorf("make -n run PARAMS=...:\n%s\nwant %s", out, want)
	}
}

func TestUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"invoke without flags", []string{"invoke"}, 2},
		{"unknown flag", []string{"serve", "-nope"}, 2},
		{"bad param", []string{"serve", "-param", "novalue"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := run(t.Context(), tt.args, io.Discard, io.Discard); got != tt.want {
				t.Errorf("got exit %d, want %d", got, tt.want)
			}
		})
	}
}

// TestMakeTargetsSayWhatTheyDo: make bench writes no tracked file unless
// told (BENCH_OUT), and make build says so when it falls back from the SAM
// CLI.
func TestMakeTargetsSayWhatTheyDo(t *testing.T) {
	out, err := exec.CommandContext(t.Context(), "make", "-s", "-n", "-C", "../..", "bench").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "-out .local/benchmarks.md") {
		t.Errorf("make -n bench: %v\n%s\nwant the report in .local/benchmarks.md", err, out)
	}
	out, err = exec.CommandContext(t.Context(), "make", "-s", "-n", "-C", "../..", "bench", "BENCH_OUT=docs/benchmarks.md").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "-out docs/benchmarks.md") {
		t.Errorf("make -n bench BENCH_OUT=docs/benchmarks.md: %v\n%s", err, out)
	}
	out, err = exec.CommandContext(t.Context(), "make", "-s", "-n", "-C", "../..", "build").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "make build: no SAM CLI on PATH") {
		t.Errorf("make -n build: %v\n%s\nwant it to say when it builds without the SAM CLI", err, out)
	}
}
