package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"keygate/dev/bench/load"
	"keygate/dev/gateway/inproc"
	"keygate/dev/reliability"
	"keygate/dev/samtemplate"
	"keygate/shared/keys"
	"keygate/shared/store"
	"keygate/shared/webhooks"
)

// webhookEvents is how many key changes the webhook section times.
const webhookEvents = 100

// webhookResult is the time from a key change's answer to its delivery.
type webhookResult struct {
	Events   int
	P50, P99 time.Duration
	Max      time.Duration
}

// measureWebhooks renames alice's key webhookEvents times through the local
// gateway, one after the other, and times each from the API's answer to the
// moment a receiver on loopback gets the key.updated delivery: the stream
// (DynamoDB Local's, polled as the event-source mapping does), the delivery
// function and the signed POST.
func measureWebhooks(ctx context.Context, root string, f *fixture, opts reliability.Options) (*webhookResult, error) {
	arrived := make(chan string, webhookEvents)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	recv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var body struct {
			Data struct {
				Changes struct {
					Name struct {
						To string `json:"to"`
					} `json:"name"`
				} `json:"changes"`
			} `json:"data"`
		}
		if json.Unmarshal(b, &body) == nil && body.Data.Changes.Name.To != "" {
			arrived <- body.Data.Changes.Name.To
		}
	})}
	go func() { _ = recv.Serve(ln) }()
	defer recv.Close()

	st, err := reliability.Start(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	tmpl, err := samtemplate.Load(filepath.Join(root, "template.yaml"), map[string]string{"KeysTable": f.table})
	if err != nil {
		return nil, err
	}
	stop, err := inproc.StartDeliveries(ctx, inproc.Options{Template: tmpl, Endpoint: f.endpoint, Table: f.table, API: f.client},
		inproc.DeliveryOptions{DeadLetters: discardLetters{}})
	if err != nil {
		return nil, err
	}
	defer stop()
	svc := webhooks.NewService(store.New(f.client, f.table), webhooks.ServiceConfig{AllowLoopbackHTTP: true})
	hook, err := svc.Create(ctx, keys.OperatorCaller("bench", f.alice.UserID), webhooks.CreateInput{URL: "http://" + ln.Addr().String() + "/hook", Events: []string{string(keys.EventKeyUpdated)}})
	if err != nil {
		return nil, err
	}
	defer func() { _ = svc.Delete(context.Background(), keys.OperatorCaller("bench", f.alice.UserID), hook.ID) }()

	var lats []time.Duration
	client := &http.Client{Timeout: 10 * time.Second}
	for i := range webhookEvents + 5 { // five warm-ups
		name := fmt.Sprintf("bench-%d-%d", i, time.Now().UnixNano())
		req, _ := http.NewRequestWithContext(ctx, http.MethodPatch, st.URL+"/open/apikeys/"+f.alice.KeyID, strings.NewReader(`{"name":"`+name+`"}`))
		req.Header.Set("Authorization", "Bearer "+f.alice.Token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("webhooks: rename: status %d", resp.StatusCode)
		}
		changed := time.Now()
		select {
		case got := <-arrived:
			if got != name {
				return nil, fmt.Errorf("webhooks: delivery for %q while waiting for %q", got, name)
			}
		case <-time.After(30 * time.Second):
			return nil, fmt.Errorf("webhooks: no delivery of change %d within 30 s", i)
		}
		if i >= 5 {
			lats = append(lats, time.Since(changed))
		}
	}
	slices.Sort(lats)
	return &webhookResult{Events: len(lats), P50: load.Percentile(lats, 50), P99: load.Percentile(lats, 99), Max: lats[len(lats)-1]}, nil
}

type discardLetters struct{}

func (discardLetters) Send(context.Context, webhooks.DeadLetter) error { return nil }
