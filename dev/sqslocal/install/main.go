// Command install builds goaws, the local SQS server, into keygate's
// git-ignored cache. `make tools` runs it; tests and `make run` need it.
package main

import (
	"context"
	"fmt"
	"os"

	"keygate/dev/sqslocal"
)

func main() {
	bin, err := sqslocal.Install(context.Background(), os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(bin)
}
