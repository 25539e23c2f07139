package dynamolocal

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"keygate/dev/localproc"
)

// Options configure Start.
type Options struct {
	// DataDir keeps the data in this folder between runs; "" keeps it in memory.
	DataDir string
	// Port, when above 0, is tried first (make run keeps its port across
	// restarts, so exported endpoints stay right); a free port otherwise.
	Port int
}

// startTimeout bounds the wait for a started server to answer; the caller's
// context can end it sooner.
const startTimeout = 60 * time.Second

// Server is a running DynamoDB Local process started by Start.
type Server struct {
	endpoint string
	proc     *localproc.Process
	output   *localproc.Output
}

// Endpoint is the server's URL, e.g. http://127.0.0.1:41234.
func (s *Server) Endpoint() string { return s.endpoint }

// PID is the process id of the Java process Start began.
func (s *Server) PID() int { return s.proc.PID() }

// Start runs DynamoDB Local on a free port and returns once it answers
// requests. The emulator must have been installed (see Install); a missing
// jar or Java fails with the command that installs it.
func Start(ctx context.Context, opts Options) (*Server, error) {
	dir, ok := Installed()
	if !ok {
		return nil, fmt.Errorf("dynamolocal: DynamoDB Local is not installed in %s; run: %s", dir, InstallHint)
	}
	java, err := FindJava()
	if err != nil {
		return nil, err
	}
	var lastErr error
	// A free port can be taken between choosing it and the JVM binding it;
	// try a few times before giving up.
	for attempt := range 3 {
		port := opts.Port
		if attempt > 0 || port <= 0 || !localproc.PortFree(port) {
			if port, err = localproc.FreePort(); err != nil {
				return nil, err
			}
		}
		s, err := launch(ctx, java, dir, port, opts.DataDir, startTimeout)
		if err == nil {
			return s, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

func launch(ctx context.Context, java, dir string, port int, dataDir string, timeout time.Duration) (*Server, error) {
	args := []string{
		"-Xms64m", "-Xmx1g", "-XX:+UseSerialGC",
		"-Djava.library.path=" + filepath.Join(dir, "DynamoDBLocal_lib"),
		"-jar", filepath.Join(dir, jarName),
		"-port", strconv.Itoa(port),
		// One database for every access key and region, so the CLI, the
		// functions and the tests all see the same tables.
		"-sharedDb",
		// No telemetry: nothing leaves the machine, and no background
		// sender competes with what the tests and benchmarks measure.
		"-disableTelemetry",
	}
	if dataDir == "" {
		args = append(args, "-inMemory")
	} else {
		if err := os.MkdirAll(dataDir, 0o755); err != nil {
			return nil, fmt.Errorf("dynamolocal: data dir: %w", err)
		}
		args = append(args, "-dbPath", dataDir)
	}
	cmd := exec.Command(java, args...)
	cmd.Dir = dir
	out := &localproc.Output{}
	cmd.Stdout = out
	cmd.Stderr = out
	proc, err := localproc.Start(cmd, nil)
	if err != nil {
		return nil, fmt.Errorf("dynamolocal: start java: %w", err)
	}
	s := &Server{endpoint: "http://127.0.0.1:" + strconv.Itoa(port), proc: proc, output: out}
	if err := s.waitReady(ctx, timeout); err != nil {
		_ = s.Stop()
		return nil, err
	}
	return s, nil
}

// waitReady polls the endpoint (ping) until it answers over HTTP.
func (s *Server) waitReady(ctx context.Context, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	client := defaultPingClient()
	for {
		select {
		case <-s.proc.Done():
			return fmt.Errorf("dynamolocal: DynamoDB Local exited before answering: %s", strings.TrimSpace(s.output.String()))
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		if ping(client, s.endpoint) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("dynamolocal: DynamoDB Local did not answer on %s within %s: %s", s.endpoint, timeout, strings.TrimSpace(s.output.String()))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func defaultPingClient() *http.Client { return &http.Client{Timeout: 2 * time.Second} }

// ping sends an unsigned ListTables and reports whether any HTTP answer came
// back, whatever its status: the unsigned request may well be refused, but
// only a server that is listening answers at all.
func ping(client *http.Client, endpoint string) bool {
	req, err := http.NewRequest(http.MethodPost, endpoint, strings.NewReader("{}"))
	if err != nil {
		return false
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "DynamoDB_20120810.ListTables")
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return true
}

// Stop ends the process Start began: SIGTERM, then SIGKILL after 5 s.
// It is safe to call more than once.
func (s *Server) Stop() error { return s.proc.Stop() }

// Done is closed when the process has exited.
func (s *Server) Done() <-chan struct{} { return s.proc.Done() }

// FindJava returns the java that Start runs: $JAVA_HOME/bin/java when it
// exists, else java on PATH, else an error with the command that installs it.
func FindJava() (string, error) {
	if home := os.Getenv("JAVA_HOME"); home != "" {
		p := filepath.Join(home, "bin", "java")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	p, err := exec.LookPath("java")
	if err != nil {
		return "", errors.New("dynamolocal: java not found on PATH; install Java 17: apt-get install -y openjdk-17-jre-headless")
	}
	return p, nil
}
