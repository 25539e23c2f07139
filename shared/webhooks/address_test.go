package webhooks

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"keygate/shared/apperr"
)

func TestPublicAddr(t *testing.T) {
	for _, tt := range []struct {
		addr string
		want bool
	}{
		{"93.184.216.34", true},
		{"2606:4700::6810:84e5", true},
		{"2001:200::1", true}, // just past the IETF's 2001::/23: a real allocation
		{"10.1.2.3", false},   // RFC 1918
		{"172.16.0.1", false},
		{"172.31.255.255", false},
		{"192.168.1.1", false},
		{"127.0.0.1", false}, // loopback
		{"127.8.8.8", false},
		{"::1", false},
		{"169.254.169.254", false}, // link-local: the instance metadata service
		{"169.254.0.1", false},
		{"fe80::1", false},
		{"fe80::1%eth0", false},
		{"fc00::1", false}, // unique-local
		{"fd12:3456::1", false},
		{"0.0.0.0", false}, // unspecified, "this network"
		{"::", false},
		{"100.64.0.1", false}, // carrier-grade NAT
		{"192.0.0.8", false},
		{"192.88.99.1", false}, // 6to4 relay anycast
		{"198.18.0.1", false},  // benchmarking
		{"240.0.0.1", false},   // reserved
		{"255.255.255.255", false},
		{"224.0.0.1", false}, // multicast
		{"ff02::1", false},
		{"ff0e::1", false},
		{"::ffff:10.0.0.1", false}, // IPv4-mapped private
		{"::ffff:127.0.0.1", false},
		{"::ffff:93.184.216.34", true},
		{"::7f00:1", false},             // IPv4-compatible 127.0.0.1 (::/96)
		{"::127.0.0.1", false},          // the same, written dotted
		{"::a00:1", false},              // IPv4-compatible 10.0.0.1
		{"::5db8:d822", false},          // IPv4-compatible of a public address: deprecated, not routed
		{"::ffff:0:7f00:1", false},      // IPv4-translated 127.0.0.1 (::ffff:0:0:0/96)
		{"::ffff:0:5db8:d822", false},   // IPv4-translated of a public address
		{"::2", false},                  // the rest of ::/8
		{"100::1", false},               // discard-only
		{"64:ff9b::a00:1", false},       // NAT64 of 10.0.0.1
		{"64:ff9b::7f00:1", false},      // NAT64 of 127.0.0.1
		{"64:ff9b::a9fe:a9fe", false},   // NAT64 of 169.254.169.254
		{"64:ff9b::5db8:d822", true},    // NAT64 of 93.184.216.34: a DNS64 network's way to a public receiver
		{"64:ff9b:1::5db8:d822", false}, // local-use NAT64: a network's own
		{"64:ff9b:1::a00:1", false},
		{"2002:a00:1::", false},      // 6to4 of 10.0.0.1
		{"2002:7f00:1::", false},     // 6to4 of 127.0.0.1
		{"2002:5db8:d822::1", false}, // 6to4 of a public address: deprecated, refused whole
		{"2001::1", false},           // Teredo
		{"2001:0:4136:e378:8000:63bf:3fff:fdd2", false},
		{"2001:2::1", false},  // benchmarking
		{"2001:10::1", false}, // ORCHID
		{"fec0::1", false},    // site-local (deprecated)
		{"feff::1", false},
		{"5f00::1", false},   // SRv6 SIDs, outside 2000::/3
		{"192.0.2.1", false}, // documentation
		{"2001:db8::1", false},
		{"3fff::1", false},
	} {
		t.Run(tt.addr, func(t *testing.T) {
			if got := PublicAddr(netip.MustParseAddr(tt.addr)); got != tt.want {
				t.Errorf("PublicAddr(%s): got %v, want %v", tt.addr, got, tt.want)
			}
		})
	}
}

func TestCheckURL(t *testing.T) {
	for _, tt := range []struct {
		name     string
		url      string
		loopback bool   // the local stack
		wantErr  string // "" = accepted
	}{
		{"https name", "https://hooks.example.com/keygate", false, ""},
		{"port and query", "https://hooks.example.com:8443/x?token=abc", false, ""},
		{"port 65535", "https://hooks.example.com:65535/x", false, ""},
		{"public IPv4", "https://93.184.216.34/x", false, ""},
		{"public IPv6", "https://[2606:4700::6810:84e5]/x", false, ""},
		{"public NAT64", "https://[64:ff9b::5db8:d822]/x", false, ""},
		{"a name with a trailing dot", "https://hooks.example.com./x", false, ""},
		{"a name with a hex-looking label", "https://0x7f.example.com/x", false, ""},
		{"a name ending in a letter", "https://1e100.net/x", false, ""},
		{"non-ASCII path", "https://hooks.example.com/clé", false, ""},
		{"http to a public host", "http://hooks.example.com/x", false, "want https"},
		{"http to a public host locally", "http://hooks.example.com/x", true, "want https"}, // http only to loopback, even locally
		{"http to loopback locally", "http://127.0.0.1:8080/x", true, ""},
		{"http to localhost locally", "http://localhost:8080/x", true, ""},
		{"http to ::1 locally", "http://[::1]:8080/x", true, ""},
		{"http to loopback", "http://127.0.0.1:8080/x", false, "not public"},
		{"https to loopback", "https://127.0.0.1/x", false, "not public"},
		{"https to localhost", "https://localhost/x", false, "not public"},
		{"https to LOCALHOST.", "https://LOCALHOST./x", false, "not public"},
		{"https to a .localhost name", "https://app.localhost/x", false, "not public"},
		{"private even locally", "https://10.0.0.1/x", true, "not public"},
		{"the metadata service", "https://169.254.169.254/latest/meta-data/", false, "not public"},
		{"unique-local", "https://[fd00::1]/x", false, "not public"},
		{"IPv4-compatible loopback", "https://[::7f00:1]/x", false, "not public"},
		{"IPv4-compatible loopback locally", "http://[::7f00:1]/x", true, "not public"},
		{"IPv4-translated loopback", "https://[::ffff:0:7f00:1]/x", false, "not public"},
		{"IPv4-mapped private", "https://[::ffff:10.0.0.1]/x", false, "not public"},
		{"Teredo", "https://[2001::5efe:1]/x", false, "not public"},
		{"site-local", "https://[fec0::1]/x", false, "not public"},
		{"6to4 of a private address", "https://[2002:a00:1::1]/x", false, "not public"},
		{"NAT64 of a private address", "https://[64:ff9b::a00:1]/x", false, "not public"},
		{"local-use NAT64", "https://[64:ff9b:1::5db8:d822]/x", false, "not public"},
		{"an IPv6 zone", "https://[fe80::1%25eth0]/x", false, "zone"},
		{"short IPv4 127.1", "https://127.1/x", false, "dotted-quad"},
		{"short IPv4 127.1 locally", "http://127.1:8080/x", true, "dotted-quad"},
		{"hex IPv4", "https://0x7f000001/x", false, "dotted-quad"},
		{"hex IPv4 upper case", "https://0X7F000001/x", false, "dotted-quad"},
		{"hex parts", "https://0x7f.0.0.1/x", false, "dotted-quad"},
		{"decimal IPv4", "https://2130706433/x", false, "dotted-quad"},
		{"decimal public IPv4", "https://1572395042/x", false, "dotted-quad"},
		{"octal IPv4", "https://0177.0.0.1/x", false, "dotted-quad"},
		{"leading zero", "https://010.0.0.1/x", false, "dotted-quad"},
		{"a dotted-quad with a trailing dot", "https://93.184.216.34./x", false, "dotted-quad"},
		{"five parts", "https://1.2.3.4.5/x", false, "dotted-quad"},
		{"a name ending in a number", "https://hooks.example.123/x", false, "dotted-quad"},
		{"a bare 0x", "https://0x/x", false, "dotted-quad"},
		{"full-width digits", "https://１２７.１/x", false, "ASCII"},
		{"a Unicode name", "https://bücher.example/x", false, "xn--"},
		{"port 99999", "https://hooks.example.com:99999/x", false, "port"},
		{"port 65536", "https://hooks.example.com:65536/x", false, "port"},
		{"port 0", "https://hooks.example.com:0/x", false, "port"},
		{"port 99999 locally", "http://127.0.0.1:99999/x", true, "port"},
		{"invalid UTF-8", "https://hooks.example.com/\xc3\x28", false, "UTF-8"},
		{"invalid UTF-8 in the host", "https://hooks\xff.example.com/", false, "UTF-8"},
		{"credentials", "https://user:pass@hooks.example.com/x", false, "credentials"},
		{"a fragment", "https://hooks.example.com/x#frag", false, "fragment"},
		{"ftp", "ftp://hooks.example.com/x", false, "want https"},
		{"no scheme", "//hooks.example.com/x", false, "absolute"},
		{"no slashes", "hooks.example.com", false, "absolute"},
		{"empty", "", false, "required"},
		{"too long", "https://" + strings.Repeat("a", MaxURLLength) + ".com", false, "at most"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckURL(tt.url, tt.loopback)
			if tt.wantErr == "" {
				if err != nil {
					t.Errorf("CheckURL(%q, loopback %v): got %v, want accepted", tt.url, tt.loopback, err)
				}
				return
			}
			if apperr.CodeOf(err) != apperr.BadRequest || !strings.Contains(apperr.MessageOf(err), tt.wantErr) {
				t.Errorf("CheckURL(%q, loopback %v): got %v, want a BadRequest containing %q", tt.url, tt.loopback, err, tt.wantErr)
			}
		})
	}
}

// TestDialerRefusesAfterResolution connects to a real loopback server by IP
// and by name: refused unless loopback is allowed, whatever name is used;
// host forms and ports that registration refuses are refused before any
// resolution, even where loopback is allowed.
func TestDialerRefusesAfterResolution(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	t.Cleanup(srv.Close)
	port := srv.URL[strings.LastIndex(srv.URL, ":"):]
	for _, tt := range []struct {
		name     string
		url      string
		loopback bool
		ok       bool
	}{
		{"loopback IP", srv.URL, false, false},
		{"a name that resolves to loopback", "http://localhost" + port, false, false},
		{"loopback IP allowed", srv.URL, true, true},
		{"localhost allowed", "http://localhost" + port, true, true},
		{"IPv4-compatible loopback", "http://[::7f00:1]" + port, true, false},
		{"IPv4-translated loopback", "http://[::ffff:0:7f00:1]" + port, true, false},
		{"short IPv4", "http://127.1" + port, true, false},
		{"hex IPv4", "http://0x7f000001" + port, true, false},
		{"decimal IPv4", "http://2130706433" + port, true, false},
		{"octal IPv4", "http://0177.0.0.1" + port, true, false},
		{"trailing dot", "http://127.0.0.1." + port, true, false},
		{"full-width digits", "http://１２７.０.０.１" + port, false, false},
		{"port 99999", "http://127.0.0.1:99999", true, false},
		{"port 0", "http://127.0.0.1:0", true, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			client := &http.Client{Transport: &http.Transport{DialContext: Dialer(time.Second, tt.loopback).DialContext}}
			resp, err := client.Get(tt.url)
			if err == nil {
				resp.Body.Close()
			}
			if (err == nil) != tt.ok || (!tt.ok && !errors.Is(err, ErrAddress)) {
				t.Errorf("GET %s (loopback %v): got %v, want ok %v (refusals wrap ErrAddress)", tt.url, tt.loopback, err, tt.ok)
			}
		})
	}
}

// memStore is the Deliverer's store in memory: these tests are about
// HTTP behaviour; the table's side is tested against DynamoDB Local.
type memStore struct {
	Store
	hooks      []Webhook
	deliveries map[string]Delivery
}

func (m *memStore) ListWebhooks(context.Context, string) ([]Webhook, error) { return m.hooks, nil }
func (m *memStore) GetWebhook(_ context.Context, _, id string) (Webhook, error) {
	for _, w := range m.hooks {
		if w.ID == id {
			return w, nil
		}
	}
	return Webhook{}, apperr.Errorf(apperr.NotFound, "webhook %s", id)
}

// RecordPace keeps no pace: these endpoints never answer 2xx.
func (m *memStore) RecordPace(context.Context, string, string, bool, time.Time) error { return nil }

// AcquireAttempt and ReleaseAttempt: every attempt gets a slot here.
func (m *memStore) AcquireAttempt(context.Context, Lease) (int, bool, error) { return 0, true, nil }
func (m *memStore) ReleaseAttempt(context.Context, Lease, int) error         { return nil }
func (m *memStore) GetDelivery(_ context.Context, d Delivery) (Delivery, bool, error) {
	got, ok := m.deliveries[d.ID]
	return got, ok, nil
}
func (m *memStore) PutDelivery(_ context.Context, d Delivery) error {
	m.deliveries[d.ID] = d
	return nil
}

// RecordAttempt keeps no health record: these endpoints are never disabled.
func (m *memStore) RecordAttempt(context.Context, string, string, bool, time.Time) (time.Time, error) {
	return time.Time{}, nil
}

// discardQueue takes the next attempts: attemptAll makes them itself.
type discardQueue struct{}

func (discardQueue) Requeue(context.Context, Task, time.Duration) error { return nil }

type fixedClock struct{}

func (fixedClock) Now() time.Time                           { return time.Unix(1_800_000_000, 0) }
func (fixedClock) QueueDelay(d time.Duration) time.Duration { return d }

// attemptAll fans t out and makes each task's attempts until it is done,
// as the queue would (without its waits).
func attemptAll(tb testing.TB, st *memStore, dlq DeadLetters, cfg DeliverConfig, t Trigger) {
	tb.Helper()
	wk := NewWorker(NewDeliverer(st, dlq, cfg), st, discardQueue{})
	tasks, err := Tasks(context.Background(), st, t)
	if err != nil {
		tb.Fatal(err)
	}
	for _, task := range tasks {
		for {
			out, err := wk.Attempt(context.Background(), task)
			if err != nil {
				tb.Fatal(err)
			}
			if !out.Retry {
				break
			}
			task = out.Next
			task.NotBefore = time.Time{} // the fixed clock never reaches it
		}
	}
}

type letters struct{ got []DeadLetter }

func (l *letters) Send(_ context.Context, d DeadLetter) error { l.got = append(l.got, d); return nil }

func TestDeliveryDoesNotFollowRedirects(t *testing.T) {
	hit := 0
	target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hit++ }))
	t.Cleanup(target.Close)
	redirect := httptest.NewServer(http.RedirectHandler(target.URL, http.StatusFound))
	t.Cleanup(redirect.Close)
	st := &memStore{hooks: []Webhook{{ID: "wh_1", UserID: "u1", URL: redirect.URL, Secret: "s", Events: Subscribable}}, deliveries: map[string]Delivery{}}
	dlq := &letters{}
	attemptAll(t, st, dlq, DeliverConfig{Clock: fixedClock{}, AllowLoopback: true, Schedule: []time.Duration{time.Second}},
		Trigger{UserID: "u1", EventID: "e1", Type: "key.created", At: time.Now(), Data: map[string]string{}})
	if hit != 0 {
		t.Errorf("the redirect was followed %d times", hit)
	}
	if len(dlq.got) != 1 || dlq.got[0].LastError != "redirect not followed" || dlq.got[0].Attempts != 2 {
		t.Errorf("dead letters %+v, want one after 2 attempts, redirect not followed", dlq.got)
	}
}

func TestDeliveryRefusesPrivateTargets(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { t.Error("a private address was reached") }))
	t.Cleanup(srv.Close)
	st := &memStore{hooks: []Webhook{{ID: "wh_1", UserID: "u1", URL: srv.URL, Secret: "s", Events: Subscribable}}, deliveries: map[string]Delivery{}}
	dlq := &letters{}
	// AllowLoopback off, as on AWS; one attempt only.
	attemptAll(t, st, dlq, DeliverConfig{Clock: fixedClock{}, Schedule: []time.Duration{}},
		Trigger{UserID: "u1", EventID: "e1", Type: "key.created", At: time.Now(), Data: map[string]string{}})
	if len(dlq.got) != 1 || dlq.got[0].LastError != "address not public" {
		t.Errorf("dead letters %+v, want one: address not public", dlq.got)
	}
}
