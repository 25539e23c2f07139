package sqslocal

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"time"
)

// proxy is the Server's front: it hands goaws one request at a time and
// answers a long poll (ReceiveMessage with WaitTimeSeconds) itself with
// short polls every pollInterval until a message comes or the wait ends.
//
// goaws v0.5.4 reads its map of queues without its lock at the start of
// most actions while CreateQueue and DeleteQueue write it under the lock: with
// tests creating queues in parallel it died of "concurrent map read and
// map write", and now and then cut an answer. One request at a time makes
// those races impossible; short polls keep the lock free for the others.
// Only the JSON protocol (aws-sdk-go-v2's) is rewritten; a query-protocol
// long poll waits in goaws, holding the lock.
type proxy struct {
	upstream string
	client   *http.Client
	mu       sync.Mutex // held while goaws serves a request
}

const pollInterval = 50 * time.Millisecond

// answer is goaws's reply to one request.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (p *proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	body = withoutQueueWait(r, body)
	var a answer
	if wait, short, ok := longPoll(r, body); ok {
		a, err = p.poll(r, short, wait)
	} else {
		a, err = p.forward(r, body)
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	for k, v := range a.header {
		w.Header()[k] = v
	}
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body)
}

// withoutQueueWait drops the ReceiveMessageWaitTimeSeconds attribute from
// a JSON-protocol CreateQueue or SetQueueAttributes: goaws would wait that
// long on a receive without WaitTimeSeconds, holding the proxy's lock, so a
// queue's own wait is not applied (the package doc says so).
func withoutQueueWait(r *http.Request, body []byte) []byte {
	switch r.Header.Get("X-Amz-Target") {
	case "AmazonSQS.CreateQueue", "AmazonSQS.SetQueueAttributes":
	default:
		return body
	}
	var in map[string]any
	if err := json.Unmarshal(body, &in); err != nil {
		return body
	}
	attrs, _ := in["Attributes"].(map[string]any)
	if _, ok := attrs["ReceiveMessageWaitTimeSeconds"]; !ok {
		return body
	}
	delete(attrs, "ReceiveMessageWaitTimeSeconds")
	out, err := json.Marshal(in)
	if err != nil {
		return body
	}
	return out
}

// longPoll reports whether r is a JSON-protocol ReceiveMessage that waits,
// and returns the wait and the request with WaitTimeSeconds 0.
func longPoll(r *http.Request, body []byte) (time.Duration, []byte, bool) {
	if r.Header.Get("X-Amz-Target") != "AmazonSQS.ReceiveMessage" {
		return 0, nil, false
	}
	var in map[string]any
	if err := json.Unmarshal(body, &in); err != nil {
		return 0, nil, false
	}
	secs, _ := in["WaitTimeSeconds"].(float64)
	if secs <= 0 {
		return 0, nil, false
	}
	in["WaitTimeSeconds"] = 0
	short, err := json.Marshal(in)
	if err != nil {
		return 0, nil, false
	}
	return time.Duration(secs * float64(time.Second)), short, true
}

// poll sends the short receive until it returns messages or an error, the
// wait ends, or the client goes away.
func (p *proxy) poll(r *http.Request, body []byte, wait time.Duration) (answer, error) {
	deadline := time.Now().Add(wait)
	for {
		a, err := p.forward(r, body)
		if err != nil || a.status != http.StatusOK || hasMessages(a.body) || !time.Now().Add(pollInterval).Before(deadline) {
			return a, err
		}
		t := time.NewTimer(pollInterval)
		select {
		case <-r.Context().Done():
			t.Stop()
			return a, r.Context().Err()
		case <-t.C:
		}
	}
}

func hasMessages(body []byte) bool {
	var out struct{ Messages []json.RawMessage }
	return json.Unmarshal(body, &out) == nil && len(out.Messages) > 0
}

// forward sends one request to goaws, alone.
func (p *proxy) forward(r *http.Request, body []byte) (answer, error) {
	req, err := http.NewRequestWithContext(r.Context(), r.Method, p.upstream+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		return answer{}, err
	}
	req.Header = r.Header.Clone()
	p.mu.Lock()
	defer p.mu.Unlock()
	resp, err := p.client.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{}, err
	}
	h := resp.Header.Clone()
	h.Del("Content-Length")
	return answer{status: resp.StatusCode, header: h, body: b}, nil
}
