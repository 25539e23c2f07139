package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"keygate/dev/modroot"
	"keygate/dev/reliability"
	"keygate/dev/samtemplate"
)

// sections are the parts of the run, in order; -only picks some.
var sections = []string{"gobench", "size", "coldstart", "rss", "floor", "scaling", "hotkey", "webhooks", "calls", "gateway", "proxy"}

func main() {
	out := flag.String("out", "", "write the Markdown report to this file (e.g. docs/benchmarks.md)")
	only := flag.String("only", "", "comma-separated sections to run: "+strings.Join(sections, ","))
	launches := flag.Int("launches", 60, "cold starts per bootstrap (at least 20; more steadies the medians on a busy machine)")
	invocations := flag.Int("invocations", 1000, "warm invocations for the peak RSS figure")
	cell := flag.Duration("duration", 10*time.Second, "measuring time of each gateway throughput cell (at least 10s)")
	flag.Parse()
	for _, s := range strings.Split(*only, ",") {
		if s != "" && !slices.Contains(sections, s) {
			fmt.Fprintf(os.Stderr, "bench: unknown section %q in -only: want some of %s\n", s, strings.Join(sections, ","))
			os.Exit(2)
		}
	}
	if *cell < 10*time.Second {
		fmt.Fprintln(os.Stderr, "bench: -duration must be at least 10s: shorter cells measure the warm-up")
		os.Exit(2)
	}
	if *launches < 20 {
		fmt.Fprintln(os.Stderr, "bench: -launches must be at least 20")
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	r, err := run(ctx, config{only: *only, launches: *launches, invocations: *invocations, cell: *cell})
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	fmt.Print(r.table())
	if *out != "" {
		if err := os.WriteFile(*out, []byte(r.markdown()), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		fmt.Println("wrote", *out)
	}
}

// config is the command line.
type config struct {
	only        string
	launches    int
	invocations int
	cell        time.Duration
}

// results holds every figure of a run.
type results struct {
	cfg     config
	machine machine
	took    time.Duration
	goBench *goBench // BenchmarkAuthorizeNonIO
	// goBenchEvent is BenchmarkAuthorizeNonIOWithEvent: the same plus the
	// event decode and the decision log line.
	goBenchEvent *goBench
	// goBenchAssertion is BenchmarkAuthorizeNonIOWithAssertion (the
	// non-I/O path of a stack with an upstream), goBenchSign its
	// signature alone (BenchmarkEd25519Sign) and goBenchAssert the
	// assertion alone (BenchmarkAssert).
	goBenchAssertion, goBenchSign, goBenchAssert *goBench
	// operations are BenchmarkAuthorizeOperation for API documents of 10,
	// 100 and 1,000 operations, with each policy's size.
	operations []operationBench
	// tokens are BenchmarkAuthorizeTokenNonIO for RS256 and ES256 access
	// tokens: the non-I/O path of a token's Allow.
	tokens []tokenBench
	floor  *floorResult
	// hotKey is one key driven past its item's write ceiling.
	hotKeys []hotKeyResult
	scaling []scalingResult
	sizes   []sizeResult
	cold    []coldResult
	inits   []initTrace
	load1   float64 // load average before and after the run
	load2   float64
	// loadMax is the highest load average sampled from the start to the
	// gateway section; loadGateway the highest during it, whose cells
	// saturate the cores by design and so do not decide the verdict.
	loadMax     float64
	loadGateway float64
	rss         []rssResult
	calls       []callsResult
	load        []loadResult
	proxy       []proxyResult
	webhooks    *webhookResult
}

// run measures the selected sections.
func run(ctx context.Context, cfg config) (*results, error) {
	start := time.Now()
	want := func(s string) bool {
		return cfg.only == "" || slices.Contains(strings.Split(cfg.only, ","), s)
	}
	r := &results{cfg: cfg, machine: describeMachine(), load1: loadAverage()}
	stopSampling := sampleLoad(&r.loadMax)
	endQuiet := sync.OnceFunc(func() { stopSampling(); r.load2 = loadAverage() })
	defer endQuiet()
	root, err := modroot.Find()
	if err != nil {
		return nil, err
	}
	progress := func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
	}

	if want("gobench") {
		progress("Go benchmark of the authorizer's non-I/O path")
		b, err := runGoBench(ctx, root, "./authorizer/", "BenchmarkAuthorizeNonIO")
		if err != nil {
			return nil, err
		}
		r.goBench = &b
		progress("Go benchmark of the same with the event decode and the decision log line")
		e, err := runGoBench(ctx, root, "./authorizer/", "BenchmarkAuthorizeNonIOWithEvent")
		if err != nil {
			return nil, err
		}
		r.goBenchEvent = &e
		progress("Go benchmarks of the identity assertion: in the non-I/O path, alone, and its Ed25519 signature")
		for _, gb := range []struct {
			pkg, name string
			dst       **goBench
		}{
			{"./authorizer/", "BenchmarkAuthorizeNonIOWithAssertion", &r.goBenchAssertion},
			{"./shared/assertion/", "BenchmarkAssert", &r.goBenchAssert},
			{"./shared/assertion/", "BenchmarkEd25519Sign", &r.goBenchSign},
		} {
			res, err := runGoBench(ctx, root, gb.pkg, gb.name)
			if err != nil {
				return nil, err
			}
			*gb.dst = &res
		}
		progress("Go benchmarks of an API document operation's Allow, documents of 10, 100 and 1,000 operations")
		progress("Go benchmarks of an access token's non-I/O path, RS256 and ES256")
		if r.tokens, err = measureTokens(ctx, root); err != nil {
			return nil, err
		}
		if r.operations, err = measureOperations(ctx, root); err != nil {
			return nil, err
		}
	}
	if !want("size") && !want("coldstart") && !want("rss") && !want("floor") && !want("scaling") && !want("hotkey") && !want("calls") && !want("gateway") && !want("proxy") && !want("webhooks") {
		r.took = time.Since(start)
		return r, nil
	}

	tmpl, err := samtemplate.Load(filepath.Join(root, "template.yaml"), nil)
	if err != nil {
		return nil, err
	}
	progress("starting DynamoDB Local")
	f, err := startFixture(ctx)
	if err != nil {
		return nil, err
	}
	defer f.stop()
	subjects, err := f.subjects(ctx, root, tmpl)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "keygate-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)

	if want("size") {
		progress("building the linux/arm64 Lambda binaries")
		if r.sizes, err = buildLambdaSizes(ctx, root, dir, subjects); err != nil {
			return nil, err
		}
	}
	if want("coldstart") || want("rss") {
		progress("building the bootstraps for this machine")
		if err := buildHost(ctx, root, dir, subjects); err != nil {
			return nil, err
		}
	}
	if want("coldstart") {
		progress("cold starts: %d launches of each of %d bootstraps, alternating", cfg.launches, len(subjects))
		if r.cold, err = coldStarts(ctx, subjects, cfg.launches); err != nil {
			return nil, err
		}
		for _, s := range subjects {
			if s.ID == "hello" || s.ID == "AuthorizerFunction" || s.ID == "ConfigFunction" {
				r.inits = append(r.inits, traceInit(ctx, s.ID, s.HostBin, initTraceRuns))
			}
		}
	}
	if want("rss") {
		for _, s := range subjects {
			if s.ID != "hello" && s.ID != "AuthorizerFunction" {
				continue
			}
			progress("peak RSS of %s over %d warm invocations", s.ID, cfg.invocations)
			res, err := peakRSS(ctx, s, cfg.invocations)
			if err != nil {
				return nil, err
			}
			r.rss = append(r.rss, res)
		}
	}
	if want("floor") {
		progress("the physical floor: %d alternating rounds of the authorizer and the bare SDK calls", floorRounds)
		fl, err := measureFloor(ctx, f, floorRounds)
		if err != nil {
			return nil, err
		}
		r.floor = &fl
	}
	if want("scaling") {
		progress("scaling: users in %v workspaces", scalingWorkspaces)
		if r.scaling, err = measureScaling(ctx, f); err != nil {
			return nil, err
		}
	}
	if want("hotkey") {
		progress("hot key: one key at %d instances x %d workers past a %d writes/s item, for %s, on its item and on %d lanes", hotKeyInstances, hotKeyWorkers, hotKeyItemWrites, hotKeyDuration, hotKeyLanes)
		if r.hotKeys, err = measureHotKey(ctx, f); err != nil {
			return nil, err
		}
	}
	// Warnings and errors only, as the bootstraps above (LOG_LEVEL warn): a
	// line per request would flood the terminal and slow what is measured.
	// Warnings and errors only, as the bootstraps above (LOG_LEVEL warn): a
	// line per request would flood the terminal and slow what is measured.
	opts := reliability.Options{Table: f.table, API: f.client, Logs: os.Stderr, LogLevel: slog.LevelWarn}
	// The proxy's cells and the webhook deliveries (the gateway, DynamoDB
	// Local's stream and a poller at once) load the cores as the gateway's
	// cells do: measured after the quiet part of the run, like them.
	measureProxyNow := func() error {
		if !want("proxy") && !want("webhooks") {
			return nil
		}
		endQuiet()
		stop := sampleLoad(&r.loadGateway)
		defer stop()
		if want("webhooks") {
			progress("webhooks: %d key changes, each timed to its delivery", webhookEvents)
			wopts := opts
			wopts.CacheTTL = -1
			if r.webhooks, err = measureWebhooks(ctx, root, f, wopts); err != nil {
				return err
			}
		}
		if want("proxy") {
			progress("the local gateway's HTTP_PROXY overhead")
			r.proxy, err = measureProxy(ctx, root, dir, f, opts, cfg.cell, progress)
		}
		return err
	}
	if !want("calls") && !want("gateway") {
		if err := measureProxyNow(); err != nil {
			return nil, err
		}
		r.took = time.Since(start)
		return r, nil
	}
	off, on, err := startCacheStacks(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer off.stack.Close()
	defer on.stack.Close()
	if want("calls") {
		progress("counting DynamoDB calls per authorization")
		if r.calls, err = countCalls(ctx, off, on, f.alice.Token, f.limitedToken, f.childToken); err != nil {
			return nil, err
		}
	}
	if want("gateway") {
		endQuiet()
		stopGateway := sampleLoad(&r.loadGateway)
		defer stopGateway()
		bin, err := buildLoadgen(ctx, root, dir)
		if err != nil {
			return nil, err
		}
		if r.load, err = gatewayCells(ctx, bin, []*cacheStack{off, on}, f.alice.Token, cfg.cell, progress); err != nil {
			return nil, err
		}
	}
	if err := measureProxyNow(); err != nil {
		return nil, err
	}
	r.took = time.Since(start)
	return r, nil
}
