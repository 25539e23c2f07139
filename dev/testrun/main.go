// Command testrun runs go test with one DynamoDB Local and one goaws (the
// local SQS server) shared by every test package: `make test` calls it, so
// each starts once instead of once per package (each test still makes its
// own table and queues). Its arguments are go test's; it exits with go
// test's status.
//
//	go run ./dev/testrun -v -count=1 ./...
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"keygate/dev/dynamolocal"
	"keygate/dev/sqslocal"
)

func main() { os.Exit(run(os.Args[1:])) }

func run(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	startCtx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	if _, ok := dynamolocal.Installed(); !ok {
		if _, err := dynamolocal.Install(startCtx, os.Stderr); err != nil {
			fmt.Fprintf(os.Stderr, "testrun: %v\ninstall it with: %s\n", err, dynamolocal.InstallHint)
			return 1
		}
	}
	srv, err := dynamolocal.Start(startCtx, dynamolocal.Options{})
	if err != nil {
		fmt.Fprintf(os.Stderr, "testrun: %v\n", err)
		return 1
	}
	defer func() { _ = srv.Stop() }()
	fmt.Fprintf(os.Stderr, "testrun: one DynamoDB Local for every package at %s (pid %d)\n", srv.Endpoint(), srv.PID())
	if _, err := sqslocal.Install(startCtx, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "testrun: %v\ninstall it with: %s\n", err, sqslocal.InstallHint)
		return 1
	}
	sqs, err := sqslocal.Start(startCtx, sqslocal.Options{})
	if err != nil {
		fmt.Fprintf(os.Stderr, "testrun: %v\n", err)
		return 1
	}
	defer func() { _ = sqs.Stop() }()
	fmt.Fprintf(os.Stderr, "testrun: one goaws (SQS) for every package at %s (pid %d)\n", sqs.Endpoint(), sqs.PID())

	cmd := exec.CommandContext(ctx, "go", append([]string{"test"}, args...)...)
	// go test's output, line by line, and the heartbeat's lines share one
	// writer, so a heartbeat never lands inside a result line.
	out := &lineWriter{w: os.Stdout}
	stdout, stderr := out.from(), out.from()
	cmd.Stdout, cmd.Stderr, cmd.Stdin = stdout, stderr, nil
	cmd.Env = append(os.Environ(), dynamolocal.SharedEndpointEnv+"="+srv.Endpoint(), sqslocal.SharedEndpointEnv+"="+sqs.Endpoint())
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 30 * time.Second
	hb, stopHeartbeat := context.WithCancel(ctx)
	go heartbeat(hb, out.from(), heartbeatEvery, time.Now())
	err = cmd.Run()
	stopHeartbeat()
	stdout.Flush()
	stderr.Flush()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		return exit.ExitCode()
	}
	fmt.Fprintf(os.Stderr, "testrun: go test: %v\n", err)
	return 1
}

// heartbeatEvery is how often testrun says it is still running: go test
// prints a package's lines when it is done, and the slowest take minutes.
const heartbeatEvery = 20 * time.Second

// heartbeat writes a line every every until ctx ends, so make test's
// output never goes quiet for long (scripts/test-summary passes testrun's
// lines through).
func heartbeat(ctx context.Context, w io.Writer, every time.Duration, start time.Time) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			fmt.Fprintf(w, "testrun: still running (%s)\n", now.Sub(start).Round(time.Second))
		}
	}
}

// lineWriter writes whole lines to w, one writer at a time.
type lineWriter struct {
	mu sync.Mutex
	w  io.Writer
}

// from returns a writer whose complete lines go to l.w whole.
func (l *lineWriter) from() *lineSource { return &lineSource{l: l} }

// lineSource buffers one writer's partial line.
type lineSource struct {
	l       *lineWriter
	partial []byte
}

// Write passes on every complete line of p at once and keeps the rest.
func (s *lineSource) Write(p []byte) (int, error) {
	s.partial = append(s.partial, p...)
	if i := bytes.LastIndexByte(s.partial, '\n'); i >= 0 {
		s.l.mu.Lock()
		_, err := s.l.w.Write(s.partial[:i+1])
		s.l.mu.Unlock()
		s.partial = append(s.partial[:0], s.partial[i+1:]...)
		if err != nil {
			return len(p), err
		}
	}
	return len(p), nil
}

// Flush writes what is left of a last line without a newline.
func (s *lineSource) Flush() {
	if len(s.partial) == 0 {
		return
	}
	s.l.mu.Lock()
	_, _ = s.l.w.Write(append(s.partial, '\n'))
	s.l.mu.Unlock()
	s.partial = nil
}
