// Command install fetches DynamoDB Local into keygate's git-ignored cache.
// `make tools` runs it; tests and `make run` need it.
package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"

	"keygate/internal/dynamolocal"
)

func main() {
	dir, err := dynamolocal.Install(context.Background(), os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if _, err := exec.LookPath("java"); err != nil {
		fmt.Fprintln(os.Stderr, "install: java not found on PATH; install Java 17: apt-get install -y openjdk-17-jre-headless")
		os.Exit(1)
	}
	fmt.Println(dir)
}
