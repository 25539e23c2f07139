package assertion

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"
)

// Source reads the key set document (Secrets Manager, or a file locally).
type Source func(ctx context.Context) ([]byte, error)

// refreshTimeout bounds one background refresh.
const refreshTimeout = 10 * time.Second

// Holder holds the key set a Signer signs with. It reads it once, in
// NewHolder, and re-reads it in a goroutine when a signing finds it older
// than RefreshInterval, so that a rotation reaches warm authorizers without
// any request waiting for Secrets Manager.
type Holder struct {
	load       Source
	logger     *slog.Logger
	state      atomic.Pointer[held]
	refreshing atomic.Bool
}

type held struct {
	keys Keys
	// next is when the set is refreshed (RefreshInterval after the last
	// success, a minute after a failure).
	next time.Time
}

// NewHolder reads and derives the key set. An error here fails the start:
// an authorizer that cannot sign must not run.
func NewHolder(ctx context.Context, load Source, now time.Time, logger *slog.Logger) (*Holder, error) {
	ks, err := read(ctx, load)
	if err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	h := &Holder{load: load, logger: logger}
	h.state.Store(&held{keys: ks, next: now.Add(RefreshInterval)})
	return h, nil
}

func read(ctx context.Context, load Source) (Keys, error) {
	data, err := load(ctx)
	if err != nil {
		return Keys{}, err
	}
	set, err := ParseKeySet(data)
	if err != nil {
		return Keys{}, err
	}
	return set.Derive()
}

// Keys returns the keys held now.
func (h *Holder) Keys() Keys { return h.state.Load().keys }

// Signing returns the key that signs at now, and starts a background
// refresh when the set is due for one.
func (h *Holder) Signing(now time.Time) Key {
	st := h.state.Load()
	if !now.Before(st.next) && h.refreshing.CompareAndSwap(false, true) {
		go h.refresh(st, now)
	}
	return st.keys.Signing(now)
}

// refresh re-reads the set. On failure the old set stays (its keys remain
// published until their Until) and the next try is a minute later.
func (h *Holder) refresh(old *held, now time.Time) {
	defer h.refreshing.Store(false)
	ctx, cancel := context.WithTimeout(context.Background(), refreshTimeout)
	defer cancel()
	ks, err := read(ctx, h.load)
	if err != nil {
		h.logger.Error("signing key refresh failed", slog.String("error", err.Error()))
		h.state.CompareAndSwap(old, &held{keys: old.keys, next: now.Add(time.Minute)})
		return
	}
	h.state.CompareAndSwap(old, &held{keys: ks, next: now.Add(RefreshInterval)})
}
