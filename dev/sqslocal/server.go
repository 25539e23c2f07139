package sqslocal

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"keygate/dev/localproc"
)

// Defaults of Options.
const (
	// Region is the region in the queues' ARNs and URLs (and the one
	// NewClient signs for; goaws checks no signature).
	Region = "us-east-1"
	// AccountID is the account in the queues' ARNs and URLs.
	AccountID = "000000000000"
)

// Options configure Start.
type Options struct {
	// Region and AccountID name the queues (arn:aws:sqs:<region>:<account>:<name>);
	// empty means the package's Region and AccountID.
	Region, AccountID string
}

// startTimeout bounds the wait for a started server to answer; the caller's
// context can end it sooner.
const startTimeout = 30 * time.Second

// Server is a running goaws process started by Start. Its queues live in
// its memory: they end with it.
type Server struct {
	endpoint, region, account string
	goaws                     string // goaws's own URL, behind the proxy
	front                     *http.Server
	proc                      *localproc.Process
	dir                       string // the config file's folder, removed when goaws exits
	output                    *localproc.Output
	stopOnce                  sync.Once
}

// Endpoint is the server's URL, e.g. http://127.0.0.1:41234: the SDK
// client's BaseEndpoint. It is a proxy on the loopback interface in front
// of goaws (see proxy.go); goaws itself listens on another port.
func (s *Server) Endpoint() string { return s.endpoint }

// Region is the region in the server's queue ARNs.
func (s *Server) Region() string { return s.region }

// AccountID is the account in the server's queue ARNs.
func (s *Server) AccountID() string { return s.account }

// PID is the process id of the goaws process Start began.
func (s *Server) PID() int { return s.proc.PID() }

// Start runs goaws on a free port and returns once it answers requests.
// goaws must have been installed (see Install); a missing binary fails with
// the command that installs it.
func Start(ctx context.Context, opts Options) (*Server, error) {
	bin, ok := Installed()
	if !ok {
		return nil, fmt.Errorf("sqslocal: goaws is not installed at %s; run: %s", bin, InstallHint)
	}
	if opts.Region == "" {
		opts.Region = Region
	}
	if opts.AccountID == "" {
		opts.AccountID = AccountID
	}
	var lastErr error
	// A free port can be taken between choosing it and goaws binding it;
	// try a few times before giving up.
	for range 3 {
		port, err := localproc.FreePort()
		if err != nil {
			return nil, err
		}
		s, err := launch(ctx, bin, port, opts, startTimeout)
		if err == nil {
			return s, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

// config is goaws's configuration file (app/conf/goaws.yaml, read as YAML,
// of which JSON is a subset): one environment, no predefined queues.
func config(port int, opts Options) ([]byte, error) {
	env := map[string]any{
		// The host in queue URLs (http://<region>.localhost:<port>/...).
		"Host":      "localhost",
		"Port":      strconv.Itoa(port),
		"Region":    opts.Region,
		"AccountID": opts.AccountID,
		"LogToFile": false,
		"QueueAttributeDefaults": map[string]int{
			// SQS's defaults.
			"VisibilityTimeout":      30,
			"MaximumMessageSize":     262144,
			"MessageRetentionPeriod": 345600,
		},
	}
	return json.Marshal(map[string]any{"Local": env})
}

func launch(ctx context.Context, bin string, port int, opts Options, timeout time.Duration) (*Server, error) {
	dir, err := os.MkdirTemp("", "keygate-goaws-")
	if err != nil {
		return nil, err
	}
	conf, err := config(port, opts)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	file := filepath.Join(dir, "goaws.yaml")
	if err := os.WriteFile(file, conf, 0o600); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	// Errors only: goaws logs every empty receive as a warning.
	cmd := exec.Command(bin, "-config", file, "-loglevel", "error", "Local")
	cmd.Dir = dir
	out := &localproc.Output{}
	cmd.Stdout, cmd.Stderr = out, out
	// The config file's folder goes when goaws does.
	proc, err := localproc.Start(cmd, func() { os.RemoveAll(dir) })
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("sqslocal: start goaws: %w", err)
	}
	s := &Server{goaws: "http://127.0.0.1:" + strconv.Itoa(port), region: opts.Region, account: opts.AccountID, proc: proc, dir: dir, output: out}
	if err := s.waitReady(ctx, timeout); err != nil {
		_ = s.Stop()
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		_ = s.Stop()
		return nil, fmt.Errorf("sqslocal: listen: %w", err)
	}
	s.endpoint = "http://" + ln.Addr().String()
	s.front = &http.Server{Handler: &proxy{upstream: s.goaws, client: &http.Client{}}, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.front.Serve(ln) }()
	return s, nil
}

// waitReady polls the endpoint until goaws answers a ListQueues.
func (s *Server) waitReady(ctx context.Context, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		select {
		case <-s.proc.Done():
			return fmt.Errorf("sqslocal: goaws exited before answering: %s", strings.TrimSpace(s.output.String()))
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		if ping(client, s.goaws) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("sqslocal: goaws did not answer on %s within %s: %s", s.goaws, timeout, strings.TrimSpace(s.output.String()))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// ping sends ListQueues in the JSON protocol and reports whether an SQS
// server answered it (HTTP 200).
func ping(client *http.Client, endpoint string) bool {
	req, err := http.NewRequest(http.MethodPost, endpoint+"/", strings.NewReader("{}"))
	if err != nil {
		return false
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "AmazonSQS.ListQueues")
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// Stop closes the proxy and ends the process Start began: SIGTERM, then
// SIGKILL after 5 s. It is safe to call more than once.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		if s.front != nil {
			_ = s.front.Close()
		}
	})
	return s.proc.Stop()
}

// Done is closed when the process has exited.
func (s *Server) Done() <-chan struct{} { return s.proc.Done() }
