package reliability

import (
	"bytes"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// LogBuffer collects the JSON log lines of every component of a Stack. It is
// safe for concurrent use.
type LogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p.
func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// Lines returns the lines written so far.
func (b *LogBuffer) Lines() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := strings.TrimRight(b.buf.String(), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// Logger returns a JSON logger at debug level that writes to b, tagged with
// the component's name.
func (b *LogBuffer) Logger(component string) *slog.Logger {
	return slog.New(slog.NewJSONHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug})).
		With(slog.String("component", component))
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
