package main

import (
	"context"
	"fmt"
	"io"

	"keygate/dev/samtemplate"
	"keygate/dev/sqslocal"
)

// queues starts goaws, the local SQS server (installing it once), and
// creates the template's queues on it as keygate-local-<logical ID>. Its
// queues live in memory: each make run starts with empty ones. stop stops
// the server. dev/sqsmapping runs the template's SQS event-source mappings
// against them.
func queues(ctx context.Context, t *samtemplate.Template, log io.Writer) (endpoint string, qs map[string]sqslocal.Queue, stop func(), err error) {
	stop = func() {}
	if _, ok := sqslocal.Installed(); !ok {
		fmt.Fprintln(log, "installing goaws, the local SQS server (once)...")
		if _, err := sqslocal.Install(ctx, log); err != nil {
			return "", nil, stop, err
		}
	}
	srv, err := sqslocal.Start(ctx, sqslocal.Options{Region: region})
	if err != nil {
		return "", nil, stop, fmt.Errorf("start goaws: %w", err)
	}
	stop = func() { _ = srv.Stop() }
	qs, err = sqslocal.CreateTemplateQueues(ctx, sqslocal.NewClient(srv.Endpoint()), t.SQSQueues, defaultTable)
	if err != nil {
		stop()
		return "", nil, func() {}, err
	}
	return srv.Endpoint(), qs, stop, nil
}
