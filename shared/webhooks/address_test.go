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
)

func TestPublicAddr(t *testing.T) {
	for addr, want := range map[string]bool{
		"93.184.216.34":        true,
		"2606:4700::6810:84e5": true,
		"10.1.2.3":             false, // RFC 1918
		"172.16.0.1":           false,
		"172.31.255.255":       false,
		"192.168.1.1":          false,
		"127.0.0.1":            false, // loopback
		"127.8.8.8":            false,
		"::1":                  false,
		"169.254.169.254":      false, // link-local: the instance metadata service
		"169.254.0.1":          false,
		"fe80::1":              false,
		"fc00::1":              false, // unique-local
		"fd12:3456::1":         false,
		"0.0.0.0":              false, // unspecified, "this network"
		"::":                   false,
		"100.64.0.1":           false, // carrier-grade NAT
		"192.0.0.8":            false,
		"198.18.0.1":           false, // benchmarking
		"240.0.0.1":            false, // reserved
		"255.255.255.255":      false,
		"224.0.0.1":            false, // multicast
		"ff02::1":              false,
		"::ffff:10.0.0.1":      false, // IPv4-mapped private
		"::ffff:93.184.216.34": true,
		"64:ff9b::a00:1":       false, // NAT64 of 10.0.0.1
		"2002:a00:1::":         false, // 6to4 of 10.0.0.1
		"192.0.2.1":            false, // documentation
		"2001:db8::1":          false,
	} {
		if got := PublicAddr(netip.MustParseAddr(addr)); got != want {
			t.Errorf("PublicAddr(%s): got %v, want %v", addr, got, want)
		}
	}
}

func TestCheckURL(t *testing.T) {
	for _, tt := range []struct {
		url      string
		loopback bool // the local stack
		ok       bool
	}{
		{"https://hooks.example.com/keygate", false, true},
		{"https://hooks.example.com:8443/x?token=abc", false, true},
		{"https://93.184.216.34/x", false, true},
		{"http://hooks.example.com/x", false, false},
		{"http://hooks.example.com/x", true, false}, // http only to loopback, even locally
		{"http://127.0.0.1:8080/x", true, true},
		{"http://localhost:8080/x", true, true},
		{"http://[::1]:8080/x", true, true},
		{"http://127.0.0.1:8080/x", false, false},
		{"https://127.0.0.1/x", false, false},
		{"https://localhost/x", false, false},
		{"https://10.0.0.1/x", true, false}, // private is refused even locally
		{"https://169.254.169.254/latest/meta-data/", false, false},
		{"https://[fd00::1]/x", false, false},
		{"https://user:pass@hooks.example.com/x", false, false},
		{"https://hooks.example.com/x#frag", false, false},
		{"ftp://hooks.example.com/x", false, false},
		{"//hooks.example.com/x", false, false},
		{"hooks.example.com", false, false},
		{"", false, false},
		{"https://" + strings.Repeat("a", MaxURLLength) + ".com", false, false},
	} {
		err := CheckURL(tt.url, tt.loopback)
		if (err == nil) != tt.ok {
			t.Errorf("CheckURL(%q, loopback %v): got %v, want ok %v", tt.url, tt.loopback, err, tt.ok)
		}
	}
}

// TestDialerRefusesAfterResolution connects to a real loopback server by IP
// and by name: refused unless loopback is allowed, whatever name is used.
func TestDialerRefusesAfterResolution(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	t.Cleanup(srv.Close)
	port := srv.URL[strings.LastIndex(srv.URL, ":"):]
	for _, tt := range []struct {
		url      string
		loopback bool
		ok       bool
	}{
		{srv.URL, false, false},
		{"http://localhost" + port, false, false}, // a name that resolves to loopback
		{srv.URL, true, true},
		{"http://localhost" + port, true, true},
	} {
		client := &http.Client{Transport: &http.Transport{DialContext: Dialer(time.Second, tt.loopback).DialContext}}
		resp, err := client.Get(tt.url)
		if err == nil {
			resp.Body.Close()
		}
		if (err == nil) != tt.ok || (!tt.ok && !errors.Is(err, ErrAddress)) {
			t.Errorf("GET %s (loopback %v): got %v, want ok %v", tt.url, tt.loopback, err, tt.ok)
		}
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
func (m *memStore) GetDelivery(_ context.Context, d Delivery) (Delivery, bool, error) {
	got, ok := m.deliveries[d.ID]
	return got, ok, nil
}
func (m *memStore) PutDelivery(_ context.Context, d Delivery) error {
	m.deliveries[d.ID] = d
	return nil
}

type noSleep struct{}

func (noSleep) Now() time.Time                                   { return time.Unix(1_800_000_000, 0) }
func (noSleep) Sleep(ctx context.Context, _ time.Duration) error { return ctx.Err() }

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
	d := NewDeliverer(st, dlq, DeliverConfig{Clock: noSleep{}, AllowLoopback: true, Backoff: []time.Duration{time.Second}})
	if err := d.Deliver(context.Background(), Trigger{UserID: "u1", EventID: "e1", Type: "key.created", At: time.Now(), Data: map[string]string{}}); err != nil {
		t.Fatal(err)
	}
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
	d := NewDeliverer(st, dlq, DeliverConfig{Clock: noSleep{}, Backoff: []time.Duration{}}) // AllowLoopback off, as on AWS
	if err := d.Deliver(context.Background(), Trigger{UserID: "u1", EventID: "e1", Type: "key.created", At: time.Now(), Data: map[string]string{}}); err != nil {
		t.Fatal(err)
	}
	if len(dlq.got) != 1 || dlq.got[0].LastError != "address not public" {
		t.Errorf("dead letters %+v, want one: address not public", dlq.got)
	}
}
