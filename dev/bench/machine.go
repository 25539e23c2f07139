package main

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// machine describes where the figures were taken.
type machine struct {
	CPU       string
	Cores     int
	GoVersion string
	OS        string
	Java      string
	Date      string
}

// describeMachine reads the CPU model from /proc/cpuinfo and the rest from
// the runtime.
func describeMachine() machine {
	m := machine{
		CPU:       cpuModel(),
		Cores:     runtime.NumCPU(),
		GoVersion: runtime.Version(),
		OS:        runtime.GOOS + "/" + runtime.GOARCH,
		Date:      time.Now().UTC().Format("2006-01-02 15:04 UTC"),
	}
	if out, err := exec.Command("java", "-version").CombinedOutput(); err == nil {
		m.Java = strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0])
	}
	return m
}

// cpuModel is the first "model name" of /proc/cpuinfo (or an ARM core's
// implementer/part when there is none).
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	return cpuModelFrom(f)
}

// cpuModelFrom reads a /proc/cpuinfo.
func cpuModelFrom(r io.Reader) string {
	var part string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch k {
		case "model name", "Model":
			return v
		case "CPU part":
			if part == "" {
				part = "CPU part " + v
			}
		}
	}
	if part != "" {
		return part
	}
	return "unknown"
}

// loadAverage is the 1-minute load average (0 when unknown): the machine may
// be shared, and the figures depend on it.
func loadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(f[0], 64)
	return v
}

// sampleLoad records the highest 1-minute load average into max every
// five seconds until the returned stop is called.
func sampleLoad(max *float64) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	*max = loadAverage()
	go func() {
		defer close(finished)
		t := time.NewTicker(5 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if l := loadAverage(); l > *max {
					*max = l
				}
			}
		}
	}()
	return func() { close(done); <-finished }
}

// quiet reports whether the machine was quiet during a run: no load
// average sampled above its core count. Above it, runnable processes
// outnumber the cores, and any timing may include waits for a core.
func quiet(loads []float64, cores int) bool {
	for _, l := range loads {
		if l > float64(cores) {
			return false
		}
	}
	return true
}
