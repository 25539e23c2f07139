// Command install fetches DynamoDB Local into keygate's git-ignored cache.
// `make tools` runs it; tests and `make run` need it.
package main

import (
	"context"
	"fmt"
	"os"

	"keygate/dev/dynamolocal"
)

func main() {
	dir, err := dynamolocal.Install(context.Background(), os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if _, err := dynamolocal.FindJava(); err != nil { // the java Start will run
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(dir)
}
