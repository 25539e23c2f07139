package lambdarun

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// startIdle starts a bootstrap that never calls the Runtime API, and stops
// it at cleanup.
func startIdle(tb testing.TB) *Runtime {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "bootstrap")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\nexec sleep 30\n"), 0o755); err != nil {
		tb.Fatal(err)
	}
	rt, err := Start(tb.Context(), Config{Bootstrap: bin, Stdout: testWriter{tb}, Stderr: testWriter{tb}})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = rt.Stop() })
	return rt
}

func TestWaitReady(t *testing.T) {
	tests := []struct {
		name  string
		start func(testing.TB) *Runtime
		// poke, if set, acts on the Runtime API while WaitReady waits.
		poke     func(testing.TB, *Runtime)
		ctxLimit time.Duration // 0: the test's context
		wantType string        // a *FunctionError's Type; "" wants nil
		wantErr  error
	}{
		{name: "first next", start: func(tb testing.TB) *Runtime { return startHello(tb, Config{}) }},
		{name: "exit during init", start: func(tb testing.TB) *Runtime {
			return startHello(tb, Config{Env: map[string]string{"HELLO_INIT_FAIL": "1"}})
		}, wantType: "Runtime.ExitError"},
		{name: "init error", start: startIdle, poke: postInitError, wantType: "Runtime.Custom"},
		{name: "ctx ends", start: startIdle, ctxLimit: 50 * time.Millisecond, wantErr: context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt := tt.start(t)
			ctx := t.Context()
			if tt.ctxLimit > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.ctxLimit)
				defer cancel()
			}
			if tt.poke != nil {
				tt.poke(t, rt)
			}
			err := rt.WaitReady(ctx)
			var fe *FunctionError
			switch {
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Errorf("got %v, want %v", err, tt.wantErr)
				}
			case tt.wantType == "":
				if err != nil {
					t.Errorf("got %v, want nil", err)
				}
			case !errors.As(err, &fe):
				t.Errorf("got %v, want a *FunctionError", err)
			case fe.Type != tt.wantType:
				t.Errorf("got type %q, want %q", fe.Type, tt.wantType)
			}
		})
	}
}

// postInitError reports a failed initialization, as a runtime does.
func postInitError(tb testing.TB, rt *Runtime) {
	tb.Helper()
	resp, err := http.Post("http://"+rt.Addr()+apiPrefix+"/init/error", "application/json",
		strings.NewReader(`{"errorType":"Runtime.Custom","errorMessage":"no config"}`))
	if err != nil {
		tb.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		tb.Fatalf("POST /init/error: got %d, want 202", resp.StatusCode)
	}
}
