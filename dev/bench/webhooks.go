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
	"keygate/dev/sqslocal"
	"keygate/shared/keys"
	"keygate/shared/store"
	"keygate/shared/webhooks"
)

// webhookEvents is how many of B's key changes each phase times.
const webhookEvents = 100

// Tenant A's noise in the second phase: noisyBurst key changes before B's
// first, then one after every noisyEvery of B's; each goes to A's
// deadEndpoints and tarpitEndpoints.
const (
	noisyBurst      = 10
	noisyEvery      = 10
	deadEndpoints   = 5
	tarpitEndpoints = 5
)

// latencies are one phase's times from a key change's answer to its
// delivery.
type latencies struct {
	P50, P99, Max time.Duration
}

func summarize(lats []time.Duration) latencies {
	slices.Sort(lats)
	return latencies{P50: load.Percentile(lats, 50), P99: load.Percentile(lats, 99), Max: lats[len(lats)-1]}
}

// webhookResult is tenant B's delivery latency alone and beside tenant A's
// failing endpoints, in one run.
type webhookResult struct {
	Events       int
	Alone, Noisy latencies
	// NoisyDeliveries is how many deliveries to A's failing endpoints
	// were queued during the noisy phase.
	NoisyDeliveries int
}

// Ratio is B's p50 with A's failing endpoints over B's p50 alone; P99Ratio
// the same of p99.
func (w *webhookResult) Ratio() float64 { return float64(w.Noisy.P50) / float64(max(w.Alone.P50, 1)) }

// P99Ratio is B's p99 with A's failing endpoints over B's p99 alone.
func (w *webhookResult) P99Ratio() float64 {
	return float64(w.Noisy.P99) / float64(max(w.Alone.P99, 1))
}

// measureWebhooks times tenant B's deliveries through the whole local
// stack — a rename of B's key through the local gateway, the audit event's
// insert, DynamoDB Local's stream into the fan-out, goaws's delivery queue
// into the worker, the signed POST to a receiver on loopback — first alone,
// then while tenant A's key changes go to A's five dead endpoints (a closed
// port) and five tarpits (accept, never answer).
func measureWebhooks(ctx context.Context, root string, f *fixture, opts reliability.Options) (*webhookResult, error) {
	arrived := make(chan string, 4*webhookEvents)
	recv, recvURL, err := serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
	}))
	if err != nil {
		return nil, err
	}
	defer recv.Close()
	tarpit, err := startTarpit()
	if err != nil {
		return nil, err
	}
	defer tarpit.Close()

	if _, ok := sqslocal.Installed(); !ok {
		return nil, fmt.Errorf("webhooks: goaws is not installed (make tools): %s", sqslocal.InstallHint)
	}
	sqs, err := sqslocal.Start(ctx, sqslocal.Options{})
	if err != nil {
		return nil, err
	}
	defer func() { _ = sqs.Stop() }()
	tmpl, err := samtemplate.Load(filepath.Join(root, "template.yaml"), map[string]string{"KeysTable": f.table})
	if err != nil {
		return nil, err
	}
	queues, err := sqslocal.CreateTemplateQueues(ctx, sqslocal.NewClient(sqs.Endpoint()), tmpl.SQSQueues, f.table)
	if err != nil {
		return nil, err
	}
	st, err := reliability.Start(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	stop, err := inproc.StartDeliveries(ctx, inproc.Options{Template: tmpl, Endpoint: f.endpoint, Table: f.table, API: f.client},
		inproc.DeliveryOptions{SQSEndpoint: sqs.Endpoint(), Queues: queues})
	if err != nil {
		return nil, err
	}
	defer stop()

	s := store.New(f.client, f.table)
	svc := webhooks.NewService(s, webhooks.ServiceConfig{AllowLoopbackHTTP: true})
	subscribe := func(userID, url string) error {
		_, err := svc.Create(ctx, keys.OperatorCaller("bench", userID), webhooks.CreateInput{URL: url, Events: []string{string(keys.EventKeyUpdated)}})
		return err
	}
	if err := subscribe(f.alice.UserID, recvURL+"/hook"); err != nil {
		return nil, err
	}
	a, err := reliability.Seed(ctx, s, "tenant-a", "")
	if err != nil {
		return nil, err
	}
	for i := range deadEndpoints {
		dead, err := closedPort()
		if err != nil {
			return nil, err
		}
		if err := subscribe(a.UserID, fmt.Sprintf("http://%s/dead-%d", dead, i)); err != nil {
			return nil, err
		}
	}
	for i := range tarpitEndpoints {
		if err := subscribe(a.UserID, fmt.Sprintf("%s/tarpit-%d", tarpit.url, i)); err != nil {
			return nil, err
		}
	}

	client := &http.Client{Timeout: 10 * time.Second}
	rename := func(p reliability.Principal, name string) error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPatch, st.URL+"/open/apikeys/"+p.KeyID, strings.NewReader(`{"name":"`+name+`"}`))
		req.Header.Set("Authorization", "Bearer "+p.Token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("webhooks: rename: status %d", resp.StatusCode)
		}
		return nil
	}
	// phase times B's renames; noise, when set, runs before B's change i.
	phase := func(label string, noise func(i int) error) ([]time.Duration, error) {
		var lats []time.Duration
		for i := range webhookEvents + 5 { // five warm-ups
			if noise != nil {
				if err := noise(i); err != nil {
					return nil, err
				}
			}
			name := fmt.Sprintf("bench-%s-%d-%d", label, i, time.Now().UnixNano())
			if err := rename(f.alice, name); err != nil {
				return nil, err
			}
			changed := time.Now()
			select {
			case got := <-arrived:
				if got != name {
					return nil, fmt.Errorf("webhooks: delivery for %q while waiting for %q", got, name)
				}
			case <-time.After(30 * time.Second):
				return nil, fmt.Errorf("webhooks (%s): no delivery of change %d within 30 s", label, i)
			}
			if i >= 5 {
				lats = append(lats, time.Since(changed))
			}
		}
		return lats, nil
	}
	alone, err := phase("alone", nil)
	if err != nil {
		return nil, err
	}
	noisyChanges := 0
	noisy, err := phase("noisy", func(i int) error {
		n := 0
		switch {
		case i == 0:
			n = noisyBurst
		case i%noisyEvery == 0:
			n = 1
		}
		for range n {
			noisyChanges++
			if err := rename(a, fmt.Sprintf("noise-%d", noisyChanges)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &webhookResult{Events: len(alone), Alone: summarize(alone), Noisy: summarize(noisy),
		NoisyDeliveries: noisyChanges * (deadEndpoints + tarpitEndpoints)}, nil
}

// serve runs h on a loopback port.
func serve(h http.Handler) (*http.Server, string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: h}
	go func() { _ = srv.Serve(ln) }()
	return srv, "http://" + ln.Addr().String(), nil
}

// closedPort is a loopback address nothing listens on: a port taken and
// given back (a dead endpoint: every connection is refused).
func closedPort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	return addr, ln.Close()
}

// tarpit accepts connections and never answers them: every attempt to it
// lasts the worker's whole attempt timeout.
type tarpit struct {
	ln    net.Listener
	url   string
	conns chan net.Conn
}

func startTarpit() (*tarpit, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	t := &tarpit{ln: ln, url: "http://" + ln.Addr().String(), conns: make(chan net.Conn, 1024)}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			select {
			case t.conns <- c: // held open until Close
			default:
				c.Close()
			}
		}
	}()
	return t, nil
}

// Close stops accepting and drops the connections held.
func (t *tarpit) Close() {
	t.ln.Close()
	for {
		select {
		case c := <-t.conns:
			c.Close()
		default:
			return
		}
	}
}
