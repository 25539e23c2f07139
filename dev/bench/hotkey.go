package main

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"keygate/authorizer"
	"keygate/dev/reliability"
	"keygate/dev/testkit/faults"
	"keygate/shared/apikey"
	"keygate/shared/keys"
	"keygate/shared/store"
)

// The hot-key simulation: DynamoDB's per-item write ceiling (1,000 units a
// second) scaled down to hotKeyItemWrites, one key driven far past it by
// hotKeyInstances authorizer instances for hotKeyDuration: once counted on
// its own item, once on hotKeyLanes lanes with a rate limit of
// hotKeyRate.
const (
	hotKeyItemWrites = 10
	// Each instance serves one request at a time, as a Lambda instance
	// does.
	hotKeyInstances = 32
	hotKeyWorkers   = hotKeyInstances
	hotKeyDuration  = 5 * time.Second
	hotKeyLanes     = 32
	// hotKeyOffered paces the laned run: 20× the item's capacity, above
	// the key's rate limit, so the limit is what refuses the rest.
	hotKeyOffered = 20 * hotKeyItemWrites
	// hotKeyRevocations is how many laned keys are revoked while in use
	// to measure how long each instance still admits them.
	hotKeyRevocations = 6
)

// hotKeyRate is the laned key's rate limit: 12× the item's capacity, its
// burst one second of it; each of the 32 lanes holds well under the item's
// capacity.
var hotKeyRate = keys.RateLimit{Limit: 12 * hotKeyItemWrites, Window: time.Second, Burst: 12 * hotKeyItemWrites}

// hotKeyResult is one key driven past its item's write ceiling, uncached.
type hotKeyResult struct {
	Lanes        int           // 0: counted on its own item
	ItemWrites   float64       // the modelled per-item capacity, writes a second
	Duration     time.Duration // the run
	Requests     int           // authorizations attempted
	Admitted     int           // Allows
	Limited      int           // refused by the key's rate limit
	FailedClosed int           // errors (500s): throttled past the SDK's retries
	Throttles    int           // writes the items refused
	Hottest      float64       // writes a second that reached the busiest item
	OverAdmitted int64         // admissions beyond the key's rate limit in any span (must be 0)
	UsageDrift   int64         // the key's usageCount read right after the run, minus the admissions
	// Revocation lags: after a revocation returns, how long until each
	// instance's last admission (p50, p99 over every instance of every
	// revocation), by revoking the key and by disabling its user.
	RevokeP50, RevokeP99   time.Duration
	DisableP50, DisableP99 time.Duration
}

// Ratio is admitted per second ÷ the item's capacity.
func (h hotKeyResult) Ratio() float64 {
	return float64(h.Admitted) / h.Duration.Seconds() / h.ItemWrites
}

// hotKeyRig is a capacity proxy and authorizer instances through it.
type hotKeyRig struct {
	f        *fixture
	proxy    *faults.CapacityProxy
	seed     *store.Store
	handlers []*authorizer.Handler
}

func newHotKeyRig(ctx context.Context, f *fixture) (*hotKeyRig, error) {
	proxy, err := faults.StartCapacityProxy(f.endpoint, hotKeyItemWrites)
	if err != nil {
		return nil, err
	}
	rig := &hotKeyRig{f: f, proxy: proxy, seed: store.New(f.client, f.table)}
	for range hotKeyInstances {
		client, err := store.NewClient(ctx, store.ClientOptions{Endpoint: proxy.URL})
		if err != nil {
			proxy.Close()
			return nil, err
		}
		// The deadline a Lambda invocation gives: retries end within it.
		rig.handlers = append(rig.handlers, authorizer.New(store.New(client, f.table), authorizer.Config{Timeout: time.Second}, nil))
	}
	return rig, nil
}

// newKey creates a key of alice's with rate (nil: none) and lanes.
func (rig *hotKeyRig) newKey(ctx context.Context, rate *keys.RateLimit, lanes int) (apikey.Key, error) {
	gen, err := apikey.Generate(apikey.DefaultPrefix)
	if err != nil {
		return gen, err
	}
	k := keys.NewKey(gen, "alice", "hot", keys.AllScopes, time.Now().UTC(), nil)
	k.RateLimit = rate
	if err := rig.seed.CreateKey(ctx, k, nil); err != nil {
		return gen, err
	}
	if lanes > 1 {
		_, err = rig.seed.SetLanes(ctx, "alice", gen.ID, lanes, nil)
	}
	return gen, err
}

// measureHotKey drives one key on its own item as fast as the workers can,
// then one with lanes at hotKeyOffered, and measures revocation lags.
func measureHotKey(ctx context.Context, f *fixture) ([]hotKeyResult, error) {
	var out []hotKeyResult
	for _, lanes := range []int{0, hotKeyLanes} {
		// Fresh instances for each key: the SDK's retry quota is per
		// client, and the first key's throttles spend it.
		rig, err := newHotKeyRig(ctx, f)
		if err != nil {
			return nil, err
		}
		defer rig.proxy.Close()
		var rate *keys.RateLimit
		offered := 0.0 // as fast as the workers go
		if lanes > 0 {
			rate, offered = &hotKeyRate, hotKeyOffered
		}
		gen, err := rig.newKey(ctx, rate, lanes)
		if err != nil {
			return nil, err
		}
		res, admittedAt := rig.drive(ctx, gen, offered, hotKeyDuration, nil)
		res.Lanes = lanes
		res.ItemWrites = hotKeyItemWrites
		items := []string{"KEY#" + gen.ID + "|KEY"}
		for i := range lanes {
			items = append(items, "KEY#"+gen.ID+"#"+strconv.Itoa(i)+"|KEY")
		}
		for _, item := range items {
			res.Throttles += rig.proxy.Throttled(item)
			res.Hottest = max(res.Hottest, float64(rig.proxy.Written(item))/res.Duration.Seconds())
		}
		if rate != nil {
			res.OverAdmitted = overAdmitted(admittedAt, *rate)
		}
		k, err := rig.seed.GetKey(ctx, "alice", gen.ID)
		if err != nil {
			return nil, err
		}
		res.UsageDrift = k.UsageCount - int64(res.Admitted)
		if lanes > 0 {
			if res.RevokeP50, res.RevokeP99, err = rig.revocationLags(ctx, false); err != nil {
				return nil, err
			}
			if res.DisableP50, res.DisableP99, err = rig.revocationLags(ctx, true); err != nil {
				return nil, err
			}
		}
		out = append(out, res)
	}
	return out, nil
}

// drive sends the key's token through the instances for d, paced at
// offered a second (0: as fast as the workers go), calling onAllow (when
// not nil) with each admitted request's instance and start. It returns the
// counts and the sorted starts of the admitted requests.
func (rig *hotKeyRig) drive(ctx context.Context, gen apikey.Key, offered float64, d time.Duration, onAllow func(instance int, at time.Time)) (hotKeyResult, []time.Time) {
	ev := reliability.AuthorizerEvent(gen.Token)
	var mu sync.Mutex
	var res hotKeyResult
	var admittedAt []time.Time
	var next atomic.Int64
	start := time.Now()
	stop := start.Add(d)
	var wg sync.WaitGroup
	for w := range hotKeyWorkers {
		wg.Add(1)
		go func(instance int) {
			defer wg.Done()
			h := rig.handlers[instance]
			for {
				if offered > 0 {
					due := start.Add(time.Duration(float64(next.Add(1)-1) / offered * float64(time.Second)))
					if due.After(stop) || time.Now().After(stop) {
						return // past the run, or the machine fell behind the pace
					}
					time.Sleep(time.Until(due))
				} else if time.Now().After(stop) {
					return
				}
				began := time.Now()
				resp, err := h.Handle(ctx, ev)
				mu.Lock()
				res.Requests++
				switch {
				case err != nil:
					res.FailedClosed++
				case allowed(resp):
					res.Admitted++
					admittedAt = append(admittedAt, began)
					if onAllow != nil {
						onAllow(instance, began)
					}
				default: // without usage plans, a limited request is a Deny
					res.Limited++
				}
				mu.Unlock()
			}
		}(w % hotKeyInstances)
	}
	wg.Wait()
	res.Duration = time.Since(start)
	slices.SortFunc(admittedAt, func(a, b time.Time) int { return a.Compare(b) })
	return res, admittedAt
}

// revocationLags revokes (or, with disable, disables the user of)
// hotKeyRevocations laned keys while every instance is using them, and
// returns the p50 and p99 over instances of how long after the revocation
// returned each still admitted a request.
func (rig *hotKeyRig) revocationLags(ctx context.Context, disable bool) (time.Duration, time.Duration, error) {
	var lags []time.Duration
	for range hotKeyRevocations {
		user := "alice"
		if disable {
			user = "revoked-" + strconv.FormatInt(time.Now().UnixNano(), 36)
			if err := rig.seed.PutUser(ctx, keys.User{ID: user, Name: user}); err != nil {
				return 0, 0, err
			}
		}
		gen, err := apikey.Generate(apikey.DefaultPrefix)
		if err != nil {
			return 0, 0, err
		}
		k := keys.NewKey(gen, user, "revoked", keys.AllScopes, time.Now().UTC(), nil)
		if err := rig.seed.CreateKey(ctx, k, nil); err != nil {
			return 0, 0, err
		}
		if _, err := rig.seed.SetLanes(ctx, user, gen.ID, hotKeyLanes, nil); err != nil {
			return 0, 0, err
		}
		var mu sync.Mutex
		var revokedAt time.Time
		last := make([]time.Duration, hotKeyInstances)
		done := make(chan error, 1)
		go func() {
			time.Sleep(300 * time.Millisecond) // every instance has read the key
			var err error
			if disable {
				_, err = rig.seed.SetUserDisabled(ctx, user, true)
			} else {
				err = rig.seed.DeleteKey(ctx, user, gen.ID, nil)
			}
			mu.Lock()
			revokedAt = time.Now()
			mu.Unlock()
			done <- err
		}()
		rig.drive(ctx, gen, 400, 300*time.Millisecond+keys.LaneRefresh+400*time.Millisecond, func(instance int, at time.Time) {
			mu.Lock()
			defer mu.Unlock()
			if !revokedAt.IsZero() && at.After(revokedAt) {
				last[instance] = max(last[instance], at.Sub(revokedAt))
			}
		})
		if err := <-done; err != nil {
			return 0, 0, err
		}
		lags = append(lags, last...)
	}
	slices.Sort(lags)
	return lags[len(lags)/2], lags[min(len(lags)-1, len(lags)*99/100)], nil
}

// overAdmitted is the most admissions in any span between two of the
// sorted times beyond what the key's own GCRA admits in it: its burst plus
// one per emission interval (0 when never over).
func overAdmitted(at []time.Time, r keys.RateLimit) int64 {
	worst := int64(0)
	for i := range at {
		for s := 0; s <= i; s++ {
			allowed := r.Burst + int64(at[i].Sub(at[s])/r.Interval())
			worst = max(worst, int64(i-s+1)-allowed)
		}
	}
	return worst
}

func allowed(r events.APIGatewayCustomAuthorizerResponse) bool {
	return len(r.PolicyDocument.Statement) > 0 && r.PolicyDocument.Statement[0].Effect == "Allow"
}
