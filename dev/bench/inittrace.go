package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"time"
)

// initTrace is the Go package initialisation cost of a binary, from
// GODEBUG=inittrace=1: the part of cold-start init that happens before main.
type initTrace struct {
	ID       string
	Packages int
	TotalMs  float64   // median over runs of the summed init clock time
	DynamoMs float64   // median over runs of the part spent in service/dynamodb's packages
	Top      []pkgInit // the costliest packages of one run
}

// initTraceRuns is how many times traceInit runs each bootstrap.
const initTraceRuns = 5

// dynamoPkg prefixes the packages of the SDK's DynamoDB client.
const dynamoPkg = "github.com/aws/aws-sdk-go-v2/service/dynamodb"

type pkgInit struct {
	Pkg string
	Ms  float64
	KB  float64
}

// traceInit runs a bootstrap with GODEBUG=inittrace=1 and an unreachable
// Runtime API (it exits right after main starts) runs times.
func traceInit(ctx context.Context, id, bin string, runs int) initTrace {
	res := initTrace{ID: id}
	var totals, dynamo []float64
	for i := range runs {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		cmd := exec.CommandContext(ctx, bin)
		cmd.Env = []string{"GODEBUG=inittrace=1", "AWS_LAMBDA_RUNTIME_API=127.0.0.1:1", "TABLE_NAME=bench", "AWS_REGION=us-east-1"}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		_ = cmd.Run()
		cancel()
		total, pkgs := parseInitTrace(&stderr)
		totals = append(totals, total)
		dynamo = append(dynamo, dynamoMs(pkgs))
		if i == 0 {
			res.Packages = len(pkgs)
			sort.Slice(pkgs, func(a, b int) bool { return pkgs[a].Ms > pkgs[b].Ms })
			res.Top = pkgs[:min(4, len(pkgs))]
		}
	}
	res.TotalMs, res.DynamoMs = medianFloat(totals), medianFloat(dynamo)
	return res
}

// dynamoMs is the init time of service/dynamodb and its subpackages.
func dynamoMs(pkgs []pkgInit) float64 {
	ms := 0.0
	for _, p := range pkgs {
		if p.Pkg == dynamoPkg || strings.HasPrefix(p.Pkg, dynamoPkg+"/") {
			ms += p.Ms
		}
	}
	return ms
}

// medianFloat is the upper median of a sample, 0 when it is empty.
func medianFloat(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	sort.Float64s(v)
	return v[len(v)/2]
}

// parseInitTrace reads GODEBUG=inittrace=1 output, skipping any other line,
// and returns the summed init clock time and each package's cost, in order.
func parseInitTrace(r io.Reader) (total float64, pkgs []pkgInit) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		// init <pkg> @<t> ms, <clock> ms clock, <bytes> bytes, <n> allocs
		f := strings.Fields(sc.Text())
		// fields: init pkg @t ms, clock ms clock, bytes bytes, n allocs
		if len(f) < 9 || f[0] != "init" || f[6] != "clock," {
			continue
		}
		ms, err1 := strconv.ParseFloat(f[4], 64)
		b, err2 := strconv.ParseFloat(f[7], 64)
		if err1 != nil || err2 != nil {
			continue
		}
		total += ms
		pkgs = append(pkgs, pkgInit{f[1], ms, b / 1024})
	}
	return total, pkgs
}
