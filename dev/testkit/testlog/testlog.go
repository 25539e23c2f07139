package testlog

import (
	"bytes"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Buffer collects log lines; it is safe for concurrent use.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// New returns a debug-level JSON logger writing to a new Buffer.
func New() (*slog.Logger, *Buffer) {
	b := &Buffer{}
	return b.Logger(""), b
}

// Write appends p.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything logged so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Lines returns the lines logged so far.
func (b *Buffer) Lines() []string {
	s := strings.TrimRight(b.String(), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// Logger returns a debug-level JSON logger writing to b, tagged with the
// component's name unless it is empty.
func (b *Buffer) Logger(component string) *slog.Logger {
	l := slog.New(slog.NewJSONHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if component != "" {
		l = l.With(slog.String("component", component))
	}
	return l
}

// AssertNoSecrets fails the test for every leak FindLeaks finds in b.
func (b *Buffer) AssertNoSecrets(tb testing.TB, secrets ...string) {
	tb.Helper()
	for _, leak := range FindLeaks(b.Lines(), secrets...) {
		tb.Errorf("log line %d holds %s", leak.Line, leak.What)
	}
}

var (
	// tokenLike matches anything shaped like a keygate token of any prefix.
	tokenLike = regexp.MustCompile(`[a-z][a-z0-9]{0,15}_[0-9A-Za-z]{65}`)
	// hashLike matches a hex SHA-256, in either case.
	hashLike = regexp.MustCompile(`(?i)\b[0-9a-f]{64}\b`)
)

// Leak is a secret found in a log line.
type Leak struct {
	Line int    // 0-based line number
	What string // what was found, described without the secret itself
}

// FindLeaks scans lines for anything shaped like a token or a SHA-256 and for
// each of the given secrets (tokens, their secret parts, hashes) verbatim.
func FindLeaks(lines []string, secrets ...string) []Leak {
	var leaks []Leak
	for i, line := range lines {
		if tokenLike.MatchString(line) {
			leaks = append(leaks, Leak{i, "a token-shaped string"})
		}
		if hashLike.MatchString(line) {
			leaks = append(leaks, Leak{i, "a 64-hex-digit string (a hash)"})
		}
		for j, s := range secrets {
			if s != "" && strings.Contains(line, s) {
				leaks = append(leaks, Leak{i, "known secret #" + strconv.Itoa(j)})
			}
		}
	}
	return leaks
}
