// Command loadgen runs one load cell (keygate/dev/bench/load) against a
// URL and prints its result as JSON on stdout. make bench runs it as a
// separate process for every gateway cell and for the trivial server that
// is their ceiling.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"keygate/dev/bench/load"
)

func main() {
	url := flag.String("url", "", "the URL to GET (required)")
	concurrency := flag.Int("c", 1, "concurrent clients")
	duration := flag.Duration("d", 10*time.Second, "measuring time, after the warm-up")
	flag.Parse()
	if *url == "" || *concurrency < 1 || *duration <= 0 {
		fmt.Fprintln(os.Stderr, "loadgen: want -url, -c ≥ 1 and -d > 0; the key, if any, in LOADGEN_TOKEN")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	// The key comes from the environment: a command line is visible to
	// every user of the machine.
	res := load.Run(ctx, *url, os.Getenv("LOADGEN_TOKEN"), *concurrency, *duration)
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}
