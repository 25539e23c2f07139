// Command hello is the minimal aws-lambda-go function: the baseline of the
// cold-start, binary-size and memory figures of `make bench`, built exactly as
// keygate's bootstraps are.
package main

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/lambda"
)

func handle(_ context.Context, event json.RawMessage) (json.RawMessage, error) {
	return event, nil
}

func main() {
	lambda.Start(handle)
}
