package main

import (
	"fmt"
	"keygate/dev/bench/load"
	"sort"
	"strings"
	"time"
)

// The project's targets.
const (
	targetNsPerOp   = 10_000
	targetAllocs    = 40
	targetInitRatio = 1.25
	targetSizeRatio = 2.0
	targetPeakRSSKB = 40_000_000 / 1024 // 40 MB, as the target is stated, in KiB
	// targetEventNsPerOp bounds the non-I/O path with the event decode and
	// the decision log line.
	targetEventNsPerOp = 30_000
	// targetFloorRatio bounds the authorizer's uncached verification as a
	// multiple of the bare SDK calls.
	targetFloorRatio = 1.2
	// targetWebhookP50 bounds the median time from a key change to its
	// webhook delivery through the local stack.
	targetWebhookP50 = 2 * time.Second
	// targetNoisyRatio and targetNoisyP99 bound tenant B's deliveries
	// beside tenant A's ten failing endpoints: p50 against B's alone, and
	// p99 outright.
	targetNoisyRatio  = 1.5
	targetNoisyP99    = time.Second
	rssCommandPattern = "go run ./dev/bench -only rss -invocations %d"
)

// row is one line of the summary table.
type row struct {
	Figure, Value, Target, Verdict string
}

// verdict words a target check.
func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

// summary returns the summary rows of the figures measured.
func (r *results) summary() []row {
	var rows []row
	if b := r.goBench; b != nil {
		rows = append(rows,
			row{"authorizer non-I/O path, time", fmt.Sprintf("%.2f µs/op", b.NsPerOp/1000), "≤ 10 µs", verdict(b.NsPerOp <= targetNsPerOp)},
			row{"authorizer non-I/O path, allocations", fmt.Sprintf("%.0f allocs/op (%.0f B/op)", b.AllocsPerOp, b.BytesPerOp), "≤ 40", verdict(b.AllocsPerOp <= targetAllocs)})
	}
	if b := r.goBenchEvent; b != nil {
		rows = append(rows, row{"authorizer non-I/O path with event decode and log line, time",
			fmt.Sprintf("%.2f µs/op, %.0f allocs/op", b.NsPerOp/1000, b.AllocsPerOp), "≤ 30 µs", verdict(b.NsPerOp <= targetEventNsPerOp)})
	}
	if a, sig := r.goBenchAssertion, r.goBenchSign; a != nil && sig != nil {
		rows = append(rows,
			row{"authorizer non-I/O path with the identity assertion, less its Ed25519 signature",
				fmt.Sprintf("%.2f µs/op (%.2f µs with it, %.0f allocs/op)", (a.NsPerOp-sig.NsPerOp)/1000, a.NsPerOp/1000, a.AllocsPerOp), "≤ 10 µs", verdict(a.NsPerOp-sig.NsPerOp <= targetNsPerOp)},
			row{"Ed25519 signature (crypto/ed25519, the assertion's own cost)", fmt.Sprintf("%.2f µs/op", sig.NsPerOp/1000), "measured (expected 20–50 µs)", "—"})
	}
	if f := r.floor; f != nil {
		rows = append(rows, row{"authorizer uncached verification ÷ bare SDK UpdateItem + Query",
			fmt.Sprintf("%.2f× (%s vs %s)", f.Ratio(), ms(f.Authorizer), ms(f.SDK)), "≤ 1.2×", verdict(f.Ratio() <= targetFloorRatio)})
	}
	for _, sc := range r.scaling {
		target, v := "", ""
		if sc.Cache == "off" {
			target, v = "≤ 2 read units", verdict(sc.ReadUnits <= 2)
		}
		rows = append(rows, row{fmt.Sprintf("user in %d workspaces, cache %s", sc.Workspaces, sc.Cache),
			fmt.Sprintf("%s, %.1f read units, policy %d B (%s)", ms(sc.Authorizer), sc.ReadUnits, sc.PolicyBytes, sc.Mode), target, v})
	}
	for _, h := range r.hotKeys {
		if h.Lanes == 0 {
			rows = append(rows, row{"hot key on its own item: admitted ÷ per-item write capacity (uncached)",
				fmt.Sprintf("%.1f× (%d admitted in %s at %.0f writes/s per item; %d throttled writes, %d failed closed)",
					h.Ratio(), h.Admitted, h.Duration.Round(time.Millisecond), h.ItemWrites, h.Throttles, h.FailedClosed), "", ""})
			continue
		}
		rows = append(rows, row{"hot key: admitted ÷ per-item write capacity (uncached)",
			fmt.Sprintf("%.1f× (%d lanes: %d admitted in %s at %.0f writes/s per item, hottest item %.0f writes/s; %d throttled writes, %d failed closed; over-admission %d; usage drift %d)",
				h.Ratio(), h.Lanes, h.Admitted, h.Duration.Round(time.Millisecond), h.ItemWrites, h.Hottest, h.Throttles, h.FailedClosed, h.OverAdmitted, h.UsageDrift),
			"≥ 10×, over-admission 0", verdict(h.Ratio() >= 10 && h.OverAdmitted == 0 && h.UsageDrift == 0)})
		rows = append(rows, row{"hot key: revocation lag p50 / p99",
			fmt.Sprintf("revoked: %s / %s; user disabled: %s / %s", ms(h.RevokeP50), ms(h.RevokeP99), ms(h.DisableP50), ms(h.DisableP99)),
			"≤ 1 s", verdict(h.RevokeP99 <= time.Second && h.DisableP99 <= time.Second)})
	}
	if hello, ok := r.coldOf("hello"); ok {
		for _, c := range r.cold {
			if c.ID == "hello" {
				continue
			}
			ratio := float64(c.Init) / float64(hello.Init)
			target, v := "", ""
			if c.ID == "AuthorizerFunction" {
				target, v = "≤ 1.25× hello-world", verdict(ratio <= targetInitRatio)
			}
			rows = append(rows, row{"cold start init (exec→first next), " + c.ID,
				fmt.Sprintf("%s = %.2f× hello-world (%s)", ms(c.Init), ratio, ms(hello.Init)), target, v})
		}
	}
	if hello, ok := r.sizeOf("hello"); ok {
		for _, s := range r.sizes {
			if s.ID == "hello" {
				continue
			}
			ratio := float64(s.Bytes) / float64(hello.Bytes)
			rows = append(rows, row{"binary size linux/arm64, " + s.ID,
				fmt.Sprintf("%s = %.2f× hello-world (%s)", mib(s.Bytes), ratio, mib(hello.Bytes)), "≤ 2× hello-world", verdict(ratio <= targetSizeRatio)})
		}
	}
	for _, m := range r.rss {
		if m.ID != "AuthorizerFunction" {
			continue
		}
		rows = append(rows, row{fmt.Sprintf("peak RSS, authorizer, %d warm invocations", m.Invocations),
			fmt.Sprintf("%.1f MiB", float64(m.PeakKB)/1024), "≤ 40 MB", verdict(m.PeakKB <= targetPeakRSSKB)})
	}
	if w := r.webhooks; w != nil {
		rows = append(rows, row{fmt.Sprintf("webhook delivery after a key change, p50 over %d events (local stack)", w.Events),
			fmt.Sprintf("%s (p99 %s, max %s)", ms(w.Alone.P50), ms(w.Alone.P99), ms(w.Alone.Max)), "≤ 2 s", verdict(w.Alone.P50 <= targetWebhookP50)},
			row{fmt.Sprintf("webhook delivery beside another tenant's %d failing endpoints ÷ alone", deadEndpoints+tarpitEndpoints),
				fmt.Sprintf("%.2f× (p99 %.2f×)", w.Ratio(), w.P99Ratio()), fmt.Sprintf("≤ %.1f×, p50 and p99", targetNoisyRatio),
				verdict(w.Ratio() <= targetNoisyRatio && w.P99Ratio() <= targetNoisyRatio)},
			row{fmt.Sprintf("webhook delivery beside another tenant's %d failing endpoints, p99", deadEndpoints+tarpitEndpoints),
				fmt.Sprintf("%s (p50 %s, max %s)", ms(w.Noisy.P99), ms(w.Noisy.P50), ms(w.Noisy.Max)), "≤ 1 s", verdict(w.Noisy.P99 <= targetNoisyP99)})
	}
	for _, c := range r.calls {
		rows = append(rows, row{"DynamoDB calls, " + c.Case, fmt.Sprintf("%d (%s)", c.Total, opsText(c)), fmt.Sprintf("%d", c.Want), verdict(c.Total == c.Want)})
	}
	for _, l := range r.load {
		if l.Target == trivialTarget {
			rows = append(rows, row{fmt.Sprintf("trivial net/http server, concurrency %d (the ceiling)", l.Concurrency),
				fmt.Sprintf("%.0f req/s, p50 %s, p99 %s", l.Throughput, ms(l.P50), ms(l.P99)), "", errText(l)})
			continue
		}
		rows = append(rows, row{fmt.Sprintf("gateway GET whoami, %s, concurrency %d", l.Target, l.Concurrency),
			fmt.Sprintf("%.0f req/s = %.2f× the ceiling, p50 %s, p99 %s", l.Throughput, l.Ratio(), ms(l.P50), ms(l.P99)), "", errText(l)})
	}
	for _, x := range r.proxy {
		rows = append(rows, row{fmt.Sprintf("local gateway HTTP_PROXY (cache on), concurrency %d", x.Concurrency),
			fmt.Sprintf("p50 %s / p99 %s, upstream directly p50 %s / p99 %s", ms(x.Gateway.P50), ms(x.Gateway.P99), ms(x.Direct.P50), ms(x.Direct.P99)), "",
			errText(loadResult{Result: load.Result{Errors: x.Gateway.Errors + x.Direct.Errors}})})
	}
	if len(rows) == 0 {
		return nil // nothing timed: the machine's load qualifies nothing
	}
	rows = append(rows, row{"machine load during the run (1-minute load average)",
		fmt.Sprintf("%.2f before, %.2f highest, %.2f after, on %d cores (gateway, proxy and webhook cells excluded)", r.load1, r.loadMax, r.load2, r.machine.Cores),
		fmt.Sprintf("≤ %d (the cores)", r.machine.Cores), r.quietness()})
	return rows
}

// quietness words whether the run was quiet enough for its timings.
func (r *results) quietness() string {
	if quiet([]float64{r.load1, r.loadMax, r.load2}, r.machine.Cores) {
		return "quiet"
	}
	return "BUSY"
}

func (r *results) coldOf(id string) (coldResult, bool) {
	for _, c := range r.cold {
		if c.ID == id {
			return c, true
		}
	}
	return coldResult{}, false
}

func (r *results) sizeOf(id string) (sizeResult, bool) {
	for _, s := range r.sizes {
		if s.ID == id {
			return s, true
		}
	}
	return sizeResult{}, false
}

// opsText lists the calls by operation.
func opsText(c callsResult) string {
	if c.Total == 0 {
		return "none"
	}
	var parts []string
	for op, n := range c.Calls {
		parts = append(parts, fmt.Sprintf("%s %d", op, n))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// errText reports failed requests of a load cell.
func errText(l loadResult) string {
	if l.Errors == 0 {
		return "0 errors"
	}
	return fmt.Sprintf("%d NON-200", l.Errors)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

func mib(n int64) string { return fmt.Sprintf("%.2f MiB", float64(n)/(1<<20)) }

// table renders the summary as aligned text for the terminal.
func (r *results) table() string {
	rows := append([]row{{"FIGURE", "VALUE", "TARGET", "VERDICT"}}, r.summary()...)
	var w [3]int
	for _, x := range rows {
		w[0] = max(w[0], len([]rune(x.Figure)))
		w[1] = max(w[1], len([]rune(x.Value)))
		w[2] = max(w[2], len([]rune(x.Target)))
	}
	var b strings.Builder
	for _, x := range rows {
		fmt.Fprintf(&b, "%s  %s  %s  %s\n", pad(x.Figure, w[0]), pad(x.Value, w[1]), pad(x.Target, w[2]), x.Verdict)
	}
	fmt.Fprintf(&b, "(%s on %s, %d cores, %s; took %s)\n", r.machine.OS, r.machine.CPU, r.machine.Cores, r.machine.GoVersion, r.took.Round(time.Second))
	return b.String()
}

func pad(s string, n int) string { return s + strings.Repeat(" ", max(0, n-len([]rune(s)))) }
