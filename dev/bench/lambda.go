package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"keygate/dev/lambdarun"
)

// subject is one bootstrap under test.
type subject struct {
	ID      string // logical ID, or "hello"
	Pkg     string // Go package of its main
	Env     map[string]string
	Event   []byte
	HostBin string // built for this machine
}

// helloPkg is the baseline: the minimal aws-lambda-go function.
const helloPkg = "./dev/bench/hello"

// buildHost builds each subject's bootstrap for this machine, as
// lambdarun.Build (and `make invoke`) does.
func buildHost(ctx context.Context, root, dir string, subjects []*subject) error {
	for _, s := range subjects {
		bin, err := lambdarun.Build(ctx, root, s.Pkg, filepath.Join(dir, "host", s.ID))
		if err != nil {
			return fmt.Errorf("build %s: %w", s.ID, err)
		}
		s.HostBin = bin
	}
	return nil
}

// sizeResult is one Lambda build's size.
type sizeResult struct {
	ID    string
	Bytes int64
}

// buildLambdaSizes builds each package as `make build-<LogicalId>` does
// (linux/arm64, CGO off, LAMBDA_FLAGS) and returns the binaries' sizes.
func buildLambdaSizes(ctx context.Context, root, dir string, subjects []*subject) ([]sizeResult, error) {
	var out []sizeResult
	for _, s := range subjects {
		bin, err := lambdarun.BuildFor(ctx, root, s.Pkg, filepath.Join(dir, "arm64", s.ID), "linux", "arm64")
		if err != nil {
			return nil, fmt.Errorf("build %s for arm64: %w", s.ID, err)
		}
		fi, err := os.Stat(bin)
		if err != nil {
			return nil, err
		}
		out = append(out, sizeResult{s.ID, fi.Size()})
	}
	return out, nil
}

// coldResult holds the medians of one subject's cold starts.
type coldResult struct {
	ID            string
	Launches      int
	Init          time.Duration // median exec → first next
	FirstResponse time.Duration // median exec → first response
}

// coldStarts launches every subject n times, alternating (the order rotates
// each round, so no subject always goes first), sends one event to each
// fresh process and records the harness's timings.
func coldStarts(ctx context.Context, subjects []*subject, n int) ([]coldResult, error) {
	inits := map[string][]time.Duration{}
	firsts := map[string][]time.Duration{}
	for round := range n {
		for i := range subjects {
			s := subjects[(i+round)%len(subjects)]
			rt, err := lambdarun.Start(ctx, lambdarun.Config{
				Bootstrap: s.HostBin, FunctionName: s.ID, Env: s.Env,
				Stdout: io.Discard, Stderr: io.Discard,
			})
			if err != nil {
				return nil, fmt.Errorf("start %s: %w", s.ID, err)
			}
			resp, err := rt.Invoke(ctx, s.Event)
			t := rt.Timings()
			_ = rt.Stop()
			if err != nil {
				return nil, fmt.Errorf("invoke %s: %w", s.ID, err)
			}
			if resp.Err != nil {
				return nil, fmt.Errorf("invoke %s: function error %v", s.ID, resp.Err)
			}
			inits[s.ID] = append(inits[s.ID], t.Init)
			firsts[s.ID] = append(firsts[s.ID], t.FirstResponse)
		}
	}
	var out []coldResult
	for _, s := range subjects {
		out = append(out, coldResult{ID: s.ID, Launches: n, Init: median(inits[s.ID]), FirstResponse: median(firsts[s.ID])})
	}
	return out, nil
}

// rssResult is a process's peak resident set after warm invocations.
type rssResult struct {
	ID          string
	Invocations int
	PeakKB      int64
}

// peakRSS invokes one process n times and reads its VmHWM.
func peakRSS(ctx context.Context, s *subject, n int) (rssResult, error) {
	rt, err := lambdarun.Start(ctx, lambdarun.Config{
		Bootstrap: s.HostBin, FunctionName: s.ID, Env: s.Env, Stdout: io.Discard, Stderr: io.Discard,
	})
	if err != nil {
		return rssResult{}, err
	}
	defer rt.Stop()
	for i := range n {
		resp, err := rt.Invoke(ctx, s.Event)
		if err != nil {
			return rssResult{}, fmt.Errorf("invoke %s #%d: %w", s.ID, i, err)
		}
		if resp.Err != nil {
			return rssResult{}, fmt.Errorf("invoke %s #%d: function error %v", s.ID, i, resp.Err)
		}
	}
	kb, err := vmHWM(rt.PID())
	return rssResult{ID: s.ID, Invocations: n, PeakKB: kb}, err
}

// vmHWM reads a process's peak resident set size, in KiB.
func vmHWM(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return parseVmHWM(f, pid)
}

// parseVmHWM reads the VmHWM line of a /proc/<pid>/status, in KiB.
func parseVmHWM(r io.Reader, pid int) (int64, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			return strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
		}
	}
	return 0, fmt.Errorf("no VmHWM for pid %d", pid)
}

// median of a non-empty sample.
func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// jsonEvent marshals an event.
func jsonEvent(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
