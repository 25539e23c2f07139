// Command hello is a small aws-lambda-go function, built like keygate's
// bootstraps: the test subject of lambdarun's Runtime API harness. (The
// benchmarks' hello-world baseline is dev/bench/hello.)
//
// It echoes its event. An event {"fail":"msg"} returns an error, {"panic":
// "msg"} panics, {"exit":N} exits with status N, and {"sleepMs":N} sleeps
// first; {"context":true} answers the invocation's request id, function
// ARN and deadline. HELLO_INIT_FAIL=1 makes it fail before asking for events.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

type event struct {
	Fail    string `json:"fail"`
	Panic   string `json:"panic"`
	Exit    *int   `json:"exit"`
	SleepMs int    `json:"sleepMs"`
	Context bool   `json:"context"`
}

func handle(ctx context.Context, raw json.RawMessage) (json.RawMessage, error) {
	var ev event
	_ = json.Unmarshal(raw, &ev)
	time.Sleep(time.Duration(ev.SleepMs) * time.Millisecond)
	switch {
	case ev.Fail != "":
		return nil, errors.New(ev.Fail)
	case ev.Panic != "":
		panic(ev.Panic)
	case ev.Exit != nil:
		os.Exit(*ev.Exit)
	case ev.Context:
		lc, _ := lambdacontext.FromContext(ctx)
		deadline, _ := ctx.Deadline()
		return json.Marshal(map[string]any{
			"requestId":   lc.AwsRequestID,
			"functionArn": lc.InvokedFunctionArn,
			"deadlineMs":  deadline.UnixMilli(),
			"env":         os.Getenv("HELLO_ENV"),
		})
	}
	return raw, nil
}

func main() {
	if os.Getenv("HELLO_INIT_FAIL") == "1" {
		os.Exit(3)
	}
	lambda.Start(handle)
}
