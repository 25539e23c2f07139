package assertion

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"keygate/dev/testkit/wait"
)

// memPublisher records published keys as the table would.
type memPublisher struct {
	mu    sync.Mutex
	until map[string]time.Time
	jwk   map[string][]byte
}

func (p *memPublisher) PublishSigningKey(_ context.Context, kid string, jwk []byte, until time.Time) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.jwk == nil {
		p.jwk, p.until = map[string][]byte{}, map[string]time.Time{}
	}
	if _, ok := p.jwk[kid]; !ok {
		p.jwk[kid], p.until[kid] = jwk, until
	}
	return nil
}

func (p *memPublisher) RetireSigningKey(_ context.Context, kid string, until time.Time) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.jwk[kid]; !ok {
		return errors.New("no such key")
	}
	p.until[kid] = until
	return nil
}

func TestRotateAndRefresh(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "data", "signing-key.json")
	if err := EnsureFile(path); err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_800_000_000, 0)
	h, err := NewHolder(ctx, FileSource(path), now, nil)
	if err != nil {
		t.Fatal(err)
	}
	pub := &memPublisher{}
	if err := Publish(ctx, h.Keys(), pub); err != nil {
		t.Fatal(err)
	}
	first := h.Signing(now).ID
	if _, ok := pub.jwk[first]; !ok {
		t.Fatalf("the first key %s is not published", first)
	}

	newKid, oldKid, err := Rotate(ctx, FileDocument(path), pub, now)
	if err != nil {
		t.Fatal(err)
	}
	if oldKid != first || newKid == first {
		t.Fatalf("rotate: new %s old %s, first was %s", newKid, oldKid, first)
	}
	if _, ok := pub.jwk[newKid]; !ok {
		t.Errorf("the new key is not published")
	}
	if got, want := pub.until[oldKid], now.Add(PublishDelay+RetainAfterRotation); !got.Equal(want) {
		t.Errorf("old key retired at %v, want %v", got, want)
	}

	t.Run("a warm holder keeps its set until RefreshInterval", func(t *testing.T) {
		if got := h.Signing(now.Add(RefreshInterval - time.Second)).ID; got != first {
			t.Errorf("got %s, want %s", got, first)
		}
	})
	t.Run("after RefreshInterval it re-reads the set in the background", func(t *testing.T) {
		at := now.Add(RefreshInterval)
		// The signing that finds the set due still uses the held one.
		if got := h.Signing(at).ID; got != first {
			t.Errorf("got %s, want %s", got, first)
		}
		wait.Eventually(t, 5*time.Second, func() (bool, string) {
			got := h.Signing(at).ID
			return got == newKid, "the refreshed set signs with " + got + ", want " + newKid
		})
	})
	t.Run("a failed refresh keeps the held set", func(t *testing.T) {
		fail := errors.New("secrets manager down")
		calls := 0
		var mu sync.Mutex
		h2, _ := NewHolder(ctx, func(context.Context) ([]byte, error) {
			mu.Lock()
			defer mu.Unlock()
			calls++
			if calls > 1 {
				return nil, fail
			}
			return FileSource(path)(ctx)
		}, now, nil)
		at := now.Add(2 * RefreshInterval)
		want := h2.Signing(at).ID
		wait.Eventually(t, 5*time.Second, func() (bool, string) {
			mu.Lock()
			defer mu.Unlock()
			return calls >= 2 && !h2.refreshing.Load(), fmt.Sprintf("%d reads of the set (refreshing %v), want a finished refresh attempt after the first", calls, h2.refreshing.Load())
		})
		if got := h2.Signing(at).ID; got != want {
			t.Errorf("after a failed refresh got %s, want %s", got, want)
		}
	})
}

func TestEnsureFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k.json")
	if err := EnsureFile(path); err != nil {
		t.Fatal(err)
	}
	a, _ := FileSource(path)(context.Background())
	if err := EnsureFile(path); err != nil {
		t.Fatal(err)
	}
	b, _ := FileSource(path)(context.Background())
	if string(a) != string(b) {
		t.Error("EnsureFile replaced an existing key file")
	}
	if _, err := ParseKeySet(a); err != nil {
		t.Errorf("created file does not parse: %v", err)
	}
}
