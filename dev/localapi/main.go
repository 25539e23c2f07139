package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches the subcommand and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && (args[0] == "serve" || args[0] == "invoke") {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "invoke":
		err = invoke(ctx, args, stdout, stderr)
	default:
		err = serve(ctx, args, stdout, stderr)
	}
	switch {
	case err == nil:
		return 0
	case err == errUsage:
		return 2
	case err == errFunction:
		return 1
	}
	fmt.Fprintf(stderr, "localapi: %v\n", err)
	return 1
}
