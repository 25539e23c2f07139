package lambdarun

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"keygate/dev/modroot"
)

var (
	helloOnce sync.Once
	helloPath string
	helloErr  error
	helloDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if helloDir != "" {
		_ = os.RemoveAll(helloDir)
	}
	os.Exit(code)
}

// hello builds the hello bootstrap once per test binary.
func hello(tb testing.TB) string {
	tb.Helper()
	helloOnce.Do(func() {
		root, err := modroot.Find()
		if err != nil {
			helloErr = err
			return
		}
		helloDir, helloErr = os.MkdirTemp("", "lambdarun-hello-")
		if helloErr != nil {
			return
		}
		helloPath, helloErr = Build(tb.Context(), root, "./dev/lambdarun/hello", helloDir)
	})
	if helloErr != nil {
		tb.Fatal(helloErr)
	}
	return helloPath
}

// startHello starts the hello function and stops it at cleanup.
func startHello(tb testing.TB, cfg Config) *Runtime {
	tb.Helper()
	cfg.Bootstrap = hello(tb)
	cfg.Stdout, cfg.Stderr = testWriter{tb}, testWriter{tb}
	rt, err := Start(tb.Context(), cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = rt.Stop() })
	return rt
}

// testWriter sends process output to the test log.
type testWriter struct{ tb testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.tb.Logf("%s", strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func TestInvoke(t *testing.T) {
	rt := startHello(t, Config{FunctionName: "hello", Env: map[string]string{"HELLO_ENV": "from-template"}})
	if err := rt.WaitReady(t.Context()); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		event    string
		wantBody string
		wantType string
		wantMsg  string
	}{
		{"echo", `{"hello":"world"}`, `{"hello":"world"}`, "", ""},
		{"function error", `{"fail":"nope"}`, "", "errorString", "nope"},
		{"still serving after an error", `[1,2]`, `[1,2]`, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := rt.Invoke(t.Context(), []byte(tt.event))
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantType == "" {
				if resp.Err != nil {
					t.Fatalf("got error %v, want none", resp.Err)
				}
				if string(resp.Payload) != tt.wantBody {
					t.Errorf("got payload %s, want %s", resp.Payload, tt.wantBody)
				}
				return
			}
			if resp.Err == nil || resp.Err.Type != tt.wantType || resp.Err.Message != tt.wantMsg {
				t.Errorf("got error %+v, want %s: %s", resp.Err, tt.wantType, tt.wantMsg)
			}
		})
	}
	t.Run("runtime headers", func(t *testing.T) {
		before := time.Now()
		resp, err := rt.Invoke(t.Context(), []byte(`{"context":true}`))
		if err != nil || resp.Err != nil {
			t.Fatalf("got %v %v, want a response", err, resp.Err)
		}
		var got struct {
			RequestID   string `json:"requestId"`
			FunctionArn string `json:"functionArn"`
			DeadlineMs  int64  `json:"deadlineMs"`
			Env         string `json:"env"`
		}
		if err := json.Unmarshal(resp.Payload, &got); err != nil {
			t.Fatal(err)
		}
		if got.RequestID != resp.RequestID || got.RequestID == "" {
			t.Errorf("got request id %q, want %q", got.RequestID, resp.RequestID)
		}
		if want := "arn:aws:lambda:us-east-1:123456789012:function:hello"; got.FunctionArn != want {
			t.Errorf("got function ARN %q, want %q", got.FunctionArn, want)
		}
		if d := time.UnixMilli(got.DeadlineMs).Sub(before); d <= 0 || d > 11*time.Second {
			t.Errorf("got deadline %v after the call, want within the 10 s timeout", d)
		}
		if got.Env != "from-template" {
			t.Errorf("got HELLO_ENV %q, want from-template", got.Env)
		}
	})
	t.Run("timings", func(t *testing.T) {
		tm := rt.Timings()
		if tm.Init <= 0 || tm.FirstResponse < tm.Init {
			t.Errorf("got %+v, want 0 < Init <= FirstResponse", tm)
		}
	})
}

func TestInvokeFailures(t *testing.T) {
	tests := []struct {
		name     string
		cfg      Config
		event    string
		wantType string
	}{
		{"panic", Config{}, `{"panic":"boom"}`, "Runtime.ExitError"},
		{"exit", Config{}, `{"exit":7}`, "Runtime.ExitError"},
		{"timeout", Config{Timeout: 300 * time.Millisecond}, `{"sleepMs":5000}`, "Sandbox.Timedout"},
		{"init failure", Config{Env: map[string]string{"HELLO_INIT_FAIL": "1"}}, `{}`, "Runtime.ExitError"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt := startHello(t, tt.cfg)
			resp, err := rt.Invoke(t.Context(), []byte(tt.event))
			if err != nil {
				t.Fatal(err)
			}
			if resp.Err == nil {
				t.Fatalf("got payload %s, want a %s error", resp.Payload, tt.wantType)
			}
			// aws-lambda-go reports a panic through /error before it exits.
			if resp.Err.Type != tt.wantType && !(tt.name == "panic" && strings.Contains(resp.Err.Message, "boom")) {
				t.Errorf("got %+v, want type %s", resp.Err, tt.wantType)
			}
		})
	}
}

func TestStopKillsItsProcess(t *testing.T) {
	rt := startHello(t, Config{})
	if err := rt.WaitReady(t.Context()); err != nil {
		t.Fatal(err)
	}
	pid := rt.PID()
	if err := rt.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("signal 0 to pid %d after Stop: got %v, want ESRCH", pid, err)
	}
	if _, err := rt.Invoke(t.Context(), []byte(`{}`)); err != nil {
		t.Errorf("Invoke after Stop: got harness error %v, want a function error", err)
	}
}

func TestUnknownRequestID(t *testing.T) {
	rt := startHello(t, Config{})
	resp, err := http.Post("http://"+rt.Addr()+apiPrefix+"/invocation/nope/response", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("got status %d, want 400", resp.StatusCode)
	}
}

func TestPackagesMatchMakefile(t *testing.T) {
	root, err := modroot.Find()
	if err != nil {
		t.Fatal(err)
	}
	mk, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	for id, pkg := range Packages {
		t.Run(id, func(t *testing.T) {
			i := strings.Index(string(mk), "\nbuild-"+id+":")
			if i < 0 {
				t.Fatalf("Makefile has no build-%s target", id)
			}
			recipe, _, _ := strings.Cut(string(mk)[i+1:], "\nbuild-")
			if !strings.Contains(recipe, pkg) {
				t.Errorf("build-%s builds something else: got %q, want it to build %s", id, strings.TrimSpace(recipe), pkg)
			}
		})
	}
}
