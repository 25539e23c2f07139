package main

import (
	"strings"
	"testing"
)

// statusOf is a /proc/<pid>/status excerpt with the given VmHWM line.
func statusOf(tb testing.TB, hwm string) string {
	tb.Helper()
	s := "Name:\tbootstrap\nState:\tS (sleeping)\nVmPeak:\t  812345 kB\nVmSize:\t  812000 kB\n"
	if hwm != "" {
		s += hwm + "\n"
	}
	return s + "VmRSS:\t   17000 kB\nThreads:\t7\n"
}

// TestParseVmHWM checks the peak RSS read from /proc/<pid>/status.
func TestParseVmHWM(t *testing.T) {
	tests := []struct {
		name    string
		status  string
		want    int64
		wantErr string
	}{
		{"kernel format", statusOf(t, "VmHWM:\t   20480 kB"), 20480, ""},
		{"no padding", statusOf(t, "VmHWM:2184 kB"), 2184, ""},
		{"no unit", statusOf(t, "VmHWM:\t 99"), 99, ""},
		{"VmRSS is not VmHWM", statusOf(t, ""), 0, "no VmHWM for pid 42"},
		{"empty", "", 0, "no VmHWM for pid 42"},
		{"not a number", statusOf(t, "VmHWM:\t lots kB"), 0, `strconv.ParseInt: parsing "lots": invalid syntax`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseVmHWM(strings.NewReader(tt.status), 42)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if gotErr != tt.wantErr {
				t.Errorf("got error %q, want %q", gotErr, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestCPUModelFrom checks the CPU named from /proc/cpuinfo on x86 and ARM.
func TestCPUModelFrom(t *testing.T) {
	tests := []struct {
		name    string
		cpuinfo string
		want    string
	}{
		{"x86", "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 9654 96-Core Processor\n\nprocessor\t: 1\nmodel name\t: other\n", "AMD EPYC 9654 96-Core Processor"},
		{"Raspberry Pi style Model", "processor\t: 0\nCPU part\t: 0xd08\n\nModel\t\t: Raspberry Pi 4 Model B Rev 1.4\n", "Raspberry Pi 4 Model B Rev 1.4"},
		{"ARM server falls back to the first CPU part", "processor\t: 0\nCPU implementer\t: 0x41\nCPU part\t: 0xd0c\n\nprocessor\t: 1\nCPU part\t: 0xd40\n", "CPU part 0xd0c"},
		{"nothing known", "processor\t: 0\nflags\t\t: fpu vme\n", "unknown"},
		{"empty", "", "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cpuModelFrom(strings.NewReader(tt.cpuinfo)); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
