package lambdarun

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"time"
)

// apiPrefix is the Runtime API's version prefix.
const apiPrefix = "/2018-06-01/runtime"

// Config describes the function to run.
type Config struct {
	// Bootstrap is the path of the executable.
	Bootstrap string
	// FunctionName names the function (default "function").
	FunctionName string
	// Env is the function's environment (e.g. from the template); it is
	// added over the variables Lambda sets. The host environment is not
	// inherited, except PATH.
	Env map[string]string
	// Region is AWS_REGION (default "us-east-1").
	Region string
	// Timeout bounds each invocation (default 10 s); a function that runs
	// longer is stopped, as Lambda stops it.
	Timeout time.Duration
	// MemoryMB is AWS_LAMBDA_FUNCTION_MEMORY_SIZE (default 128).
	MemoryMB int
	// Stdout and Stderr receive the process's output (default os.Stderr).
	Stdout, Stderr io.Writer
}

// FunctionError is what a function reported through /error or
// /init/error, or what the harness reports for a crash or timeout
// (Runtime.ExitError, Sandbox.Timedout), as Lambda does.
type FunctionError struct {
	Type       string          `json:"errorType"`
	Message    string          `json:"errorMessage"`
	StackTrace json.RawMessage `json:"stackTrace,omitempty"`
}

// Error returns "Type: Message".
func (e *FunctionError) Error() string { return e.Type + ": " + e.Message }

// Response is the outcome of one invocation: a payload, or a function error.
type Response struct {
	RequestID string
	Payload   []byte
	Err       *FunctionError
	Duration  time.Duration
}

// Timings are the cold-start figures of one process.
type Timings struct {
	// Init is the time from exec to the first GET .../invocation/next.
	Init time.Duration
	// FirstResponse is the time from exec to the first response or error.
	FirstResponse time.Duration
}

// invocation is one event in flight.
type invocation struct {
	id       string
	payload  []byte
	deadline time.Time
	done     chan Response // buffered 1
	start    time.Time
}

// Runtime is a running bootstrap process and its Runtime API server.
type Runtime struct {
	cfg     Config
	arn     string
	srv     *http.Server
	addr    string
	cmd     *exec.Cmd
	started time.Time
	exited  chan struct{} // closed when the process has exited
	exitErr error
	// ready and initFailed are closed (under mu, once) at the first GET
	// .../invocation/next and the first POST .../init/error.
	ready      chan struct{}
	initFailed chan struct{}
	queue      chan *invocation
	invokeMu   sync.Mutex // one invocation at a time, as in a Lambda sandbox

	mu        sync.Mutex
	pending   map[string]*invocation
	initErr   *FunctionError
	firstNext time.Time
	firstResp time.Time
	stopOnce  sync.Once
}

// Start serves the Runtime API on a free loopback port and execs the
// bootstrap. It does not wait for the function to initialize; see
// WaitReady.
func Start(ctx context.Context, cfg Config) (*Runtime, error) {
	if cfg.Bootstrap == "" {
		return nil, errors.New("lambdarun: no bootstrap")
	}
	if cfg.FunctionName == "" {
		cfg.FunctionName = "function"
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.MemoryMB <= 0 {
		cfg.MemoryMB = 128
	}
	if cfg.Stdout == nil {
		cfg.Stdout = os.Stderr
	}
	if cfg.Stderr == nil {
		cfg.Stderr = os.Stderr
	}
	bin, err := filepath.Abs(cfg.Bootstrap)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("lambdarun: listen: %w", err)
	}
	r := &Runtime{
		cfg:        cfg,
		arn:        "arn:aws:lambda:" + cfg.Region + ":123456789012:function:" + cfg.FunctionName,
		addr:       ln.Addr().String(),
		exited:     make(chan struct{}),
		ready:      make(chan struct{}),
		initFailed: make(chan struct{}),
		queue:      make(chan *invocation),
		pending:    make(map[string]*invocation),
	}
	r.srv = &http.Server{Handler: r.routes(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = r.srv.Serve(ln) }()

	r.cmd = exec.Command(bin)
	r.cmd.Dir = filepath.Dir(bin)
	r.cmd.Env = r.environ(filepath.Dir(bin))
	r.cmd.Stdout, r.cmd.Stderr = cfg.Stdout, cfg.Stderr
	r.started = time.Now()
	if err := r.cmd.Start(); err != nil {
		_ = r.srv.Close()
		return nil, fmt.Errorf("lambdarun: exec %s: %w", bin, err)
	}
	go func() {
		r.exitErr = r.cmd.Wait()
		close(r.exited)
	}()
	return r, nil
}

// environ is the process environment: what Lambda sets, then cfg.Env.
func (r *Runtime) environ(taskRoot string) []string {
	env := map[string]string{
		"PATH":                            os.Getenv("PATH"),
		"TZ":                              ":UTC",
		"LANG":                            "en_US.UTF-8",
		"AWS_LAMBDA_RUNTIME_API":          r.addr,
		"AWS_LAMBDA_FUNCTION_NAME":        r.cfg.FunctionName,
		"AWS_LAMBDA_FUNCTION_VERSION":     "$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": strconv.Itoa(r.cfg.MemoryMB),
		"AWS_LAMBDA_LOG_GROUP_NAME":       "/aws/lambda/" + r.cfg.FunctionName,
		"AWS_LAMBDA_LOG_STREAM_NAME":      "local/[$LATEST]" + randomHex(16),
		"AWS_LAMBDA_INITIALIZATION_TYPE":  "on-demand",
		"AWS_REGION":                      r.cfg.Region,
		"AWS_DEFAULT_REGION":              r.cfg.Region,
		"AWS_EXECUTION_ENV":               "AWS_Lambda_provided.al2023",
		"AWS_ACCESS_KEY_ID":               "local",
		"AWS_SECRET_ACCESS_KEY":           "local",
		"AWS_SESSION_TOKEN":               "local",
		"LAMBDA_TASK_ROOT":                taskRoot,
		"_HANDLER":                        "bootstrap",
	}
	maps.Copy(env, r.cfg.Env)
	out := make([]string, 0, len(env))
	for _, k := range slices.Sorted(maps.Keys(env)) {
		out = append(out, k+"="+env[k])
	}
	return out
}

// PID is the process id of the bootstrap Start executed.
func (r *Runtime) PID() int { return r.cmd.Process.Pid }

// Addr is the Runtime API's host:port (AWS_LAMBDA_RUNTIME_API).
func (r *Runtime) Addr() string { return r.addr }

// Timings returns the cold-start figures; a phase not reached yet is 0.
func (r *Runtime) Timings() Timings {
	r.mu.Lock()
	defer r.mu.Unlock()
	var t Timings
	if !r.firstNext.IsZero() {
		t.Init = r.firstNext.Sub(r.started)
	}
	if !r.firstResp.IsZero() {
		t.FirstResponse = r.firstResp.Sub(r.started)
	}
	return t
}

// WaitReady blocks until the function asks for its first event, fails
// init, exits, or ctx ends. An init error wins over readiness, and both win
// over an exit or ctx ending at the same time.
func (r *Runtime) WaitReady(ctx context.Context) error {
	var ctxErr error
	select {
	case <-r.ready:
	case <-r.initFailed:
	case <-r.exited:
	case <-ctx.Done():
		ctxErr = ctx.Err()
	}
	r.mu.Lock()
	initErr := r.initErr
	r.mu.Unlock()
	switch {
	case initErr != nil:
		return initErr
	case isClosed(r.ready):
		return nil
	case ctxErr != nil:
		return ctxErr
	}
	return r.exitError()
}

// isClosed reports whether ch is closed, without blocking.
func isClosed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// exitError describes the process's exit as Lambda reports it.
func (r *Runtime) exitError() *FunctionError {
	r.mu.Lock()
	initErr := r.initErr
	r.mu.Unlock()
	if initErr != nil {
		return initErr
	}
	msg := "Runtime exited without providing a reason"
	if r.exitErr != nil {
		msg = "Runtime exited with error: " + r.exitErr.Error()
	}
	return &FunctionError{Type: "Runtime.ExitError", Message: msg}
}

// Invoke sends one event and waits for the function's answer. The error is
// for harness failures (ctx ended, the runtime was stopped); a function
// error, crash or timeout is in Response.Err.
func (r *Runtime) Invoke(ctx context.Context, event []byte) (Response, error) {
	r.invokeMu.Lock()
	defer r.invokeMu.Unlock()
	select {
	case <-r.exited:
		return Response{Err: r.exitError()}, nil
	default:
	}
	inv := &invocation{
		id:       newRequestID(),
		payload:  event,
		deadline: time.Now().Add(r.cfg.Timeout),
		done:     make(chan Response, 1),
		start:    time.Now(),
	}
	r.mu.Lock()
	r.pending[inv.id] = inv
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		delete(r.pending, inv.id)
		r.mu.Unlock()
	}()

	timeout := time.NewTimer(r.cfg.Timeout)
	defer timeout.Stop()
	select {
	case r.queue <- inv:
	case <-r.exited:
		return Response{RequestID: inv.id, Err: r.exitError()}, nil
	case <-timeout.C:
		return r.timedOut(inv), nil
	case <-ctx.Done():
		return Response{}, ctx.Err()
	}
	select {
	case resp := <-inv.done:
		return resp, nil
	case <-r.exited:
		return Response{RequestID: inv.id, Err: r.exitError(), Duration: time.Since(inv.start)}, nil
	case <-timeout.C:
		return r.timedOut(inv), nil
	case <-ctx.Done():
		return Response{}, ctx.Err()
	}
}

// timedOut stops the process, as Lambda ends a sandbox whose function ran
// past its timeout.
func (r *Runtime) timedOut(inv *invocation) Response {
	_ = r.Stop()
	return Response{RequestID: inv.id, Duration: time.Since(inv.start), Err: &FunctionError{
		Type:    "Sandbox.Timedout",
		Message: fmt.Sprintf("Task timed out after %.2f seconds", r.cfg.Timeout.Seconds()),
	}}
}

// Stop kills the process Start executed (only that one) and closes the
// Runtime API server. It is safe to call more than once.
func (r *Runtime) Stop() error {
	r.stopOnce.Do(func() {
		select {
		case <-r.exited:
		default:
			_ = r.cmd.Process.Kill()
			<-r.exited
		}
		_ = r.srv.Close()
	})
	return nil
}

func newRequestID() string {
	h := randomHex(16)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// readBody reads a Runtime API request body (at most 6 MiB, Lambda's limit).
func readBody(req *http.Request) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(req.Body, 6<<20+1))
	if err != nil {
		return nil, err
	}
	if len(b) > 6<<20 {
		return nil, errors.New("payload larger than 6 MiB")
	}
	return b, nil
}
