package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// received is one delivery as the Node receiver reported it.
type received struct {
	ID        string `json:"id"`
	Timestamp string `json:"timestamp"`
	Type      string `json:"type"`
	Verified  bool   `json:"verified"`
	Canonical bool   `json:"canonical"`
	// Standard: npm standardwebhooks verified it with the secret;
	// Spec003By and StandardBy: each of the extra secrets, both ways.
	Standard         bool            `json:"standard"`
	Spec003By        []bool          `json:"spec003By"`
	StandardBy       []bool          `json:"standardBy"`
	WebhookID        string          `json:"webhookId"`
	WebhookTimestamp string          `json:"webhookTimestamp"`
	Status           int             `json:"status"`
	Mode             string          `json:"mode"`
	Data             json.RawMessage `json:"data"`
}

// nodeReceiver is e2e/webhooks/receiver.mjs in its own process.
type nodeReceiver struct {
	url string
	mu  sync.Mutex
	got []received
}

func startReceiver(tb testing.TB) *nodeReceiver {
	tb.Helper()
	node := interpreter(tb, "apt-get install -y nodejs", []string{"--version"}, "node")
	cmd := exec.CommandContext(tb.Context(), node, filepath.Join("webhooks", "receiver.mjs"), "not-yet")
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := bufio.NewScanner(out)
	lines.Buffer(make([]byte, 0, 64<<10), 4<<20) // a delivery's report carries its body
	if !lines.Scan() {
		tb.Fatal("the receiver did not start")
	}
	var hello struct{ Port int }
	if err := json.Unmarshal(lines.Bytes(), &hello); err != nil || hello.Port == 0 {
		tb.Fatalf("receiver said %q", lines.Text())
	}
	r := &nodeReceiver{url: fmt.Sprintf("http://127.0.0.1:%d", hello.Port)}
	go func() {
		for lines.Scan() {
			var rc received
			if json.Unmarshal(lines.Bytes(), &rc) == nil {
				r.mu.Lock()
				r.got = append(r.got, rc)
				r.mu.Unlock()
			}
		}
	}()
	return r
}

// set changes how the receiver answers, and the secret it verifies with.
func (r *nodeReceiver) set(tb testing.TB, mode, secret string) {
	tb.Helper()
	resp, err := http.Post(r.url+"/_mode", "application/json", strings.NewReader(fmt.Sprintf(`{"mode":%q,"secret":%q}`, mode, secret)))
	if err != nil {
		tb.Fatal(err)
	}
	resp.Body.Close()
}

// all returns what the receiver got so far.
func (r *nodeReceiver) all() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}
