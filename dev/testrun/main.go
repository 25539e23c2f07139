// Command testrun runs go test with one DynamoDB Local and one goaws (the
// local SQS server) shared by every test package: `make test` calls it, so
// each starts once instead of once per package (each test still makes its
// own table and queues). Its arguments are go test's; it exits with go
// test's status.
//
//	go run ./dev/testrun -v -count=1 ./...
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
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
	cmd.Stdout, cmd.Stderr, cmd.Stdin = os.Stdout, os.Stderr, nil
	cmd.Env = append(os.Environ(), dynamolocal.SharedEndpointEnv+"="+srv.Endpoint(), sqslocal.SharedEndpointEnv+"="+sqs.Endpoint())
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 30 * time.Second
	hb, stopHeartbeat := context.WithCancel(ctx)
	go heartbeat(hb, os.Stderr, heartbeatEvery, time.Now())
	err = cmd.Run()
	stopHeartbeat()
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
