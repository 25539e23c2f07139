package faults

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Kind is the way an endpoint fails.
type Kind int

// The kinds of faulty endpoint.
const (
	// Down is a loopback port with nothing listening: connections are refused.
	Down Kind = iota
	// Hang accepts requests and never answers them, until the client gives
	// up or the server is closed.
	Hang
	// Throttle answers 400 with DynamoDB's throttling errors, alternating
	// ProvisionedThroughputExceededException and ThrottlingException.
	Throttle
	// ServerError answers 500 InternalServerError.
	ServerError
	// Garbage answers 200 with a body that is not JSON.
	Garbage
)

// Kinds lists every kind, for table-driven tests.
var Kinds = []Kind{Down, Hang, Throttle, ServerError, Garbage}

// String names the kind for test names and logs.
func (k Kind) String() string {
	switch k {
	case Down:
		return "down"
	case Hang:
		return "hang"
	case Throttle:
		return "throttle"
	case ServerError:
		return "server-error"
	case Garbage:
		return "garbage"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// The DynamoDB JSON protocol's content type.
const contentType = "application/x-amz-json-1.0"

// Server is a faulty DynamoDB endpoint on 127.0.0.1.
type Server struct {
	// URL is the endpoint, e.g. http://127.0.0.1:41234.
	URL  string
	Kind Kind

	srv      *http.Server
	ln       net.Listener
	stop     chan struct{}
	stopOnce sync.Once
	done     chan struct{}

	requests atomic.Int64
	mu       sync.Mutex
	ops      map[string]int
}

// Start starts a server of the given kind. Close stops it.
func Start(kind Kind) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("faults: listen: %w", err)
	}
	s := &Server{
		URL:  "http://" + ln.Addr().String(),
		Kind: kind,
		stop: make(chan struct{}),
		done: make(chan struct{}),
		ops:  map[string]int{},
	}
	if kind == Down {
		// Take a free port and give it back: nothing listens there now.
		// Another process could grab it meanwhile, but on loopback in a test
		// run that is vanishingly rare, and it would still not speak DynamoDB.
		ln.Close()
		close(s.done)
		return s, nil
	}
	s.ln = ln
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(s.done)
		_ = s.srv.Serve(ln)
	}()
	return s, nil
}

// New starts a server of the given kind and closes it when the test ends.
func New(tb testing.TB, kind Kind) *Server {
	tb.Helper()
	s, err := Start(kind)
	if err != nil {
		tb.Fatalf("faults: %v", err)
	}
	tb.Cleanup(s.Close)
	return s
}

// Close releases hanging requests and stops the server. It is safe to call
// more than once.
func (s *Server) Close() {
	s.stopOnce.Do(func() {
		close(s.stop)
		if s.srv == nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.srv.Shutdown(ctx); err != nil {
			_ = s.srv.Close()
		}
		<-s.done
	})
}

// Requests is the number of requests the server has received.
func (s *Server) Requests() int64 { return s.requests.Load() }

// Operations returns the requests received per DynamoDB operation, e.g.
// {"UpdateItem": 3}.
func (s *Server) Operations() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.ops))
	for k, v := range s.ops {
		out[k] = v
	}
	return out
}

// ServeHTTP answers one request in the server's failure mode.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := s.requests.Add(1)
	op := r.Header.Get("X-Amz-Target")
	if i := strings.LastIndexByte(op, '.'); i >= 0 {
		op = op[i+1:]
	}
	s.mu.Lock()
	s.ops[op]++
	s.mu.Unlock()

	switch s.Kind {
	case Hang:
		select {
		case <-r.Context().Done():
		case <-s.stop:
		}
		// Never answer: drop the connection.
		panic(http.ErrAbortHandler)
	case Throttle:
		if n%2 == 1 {
			writeError(w, http.StatusBadRequest, "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
				"The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.")
		} else {
			writeError(w, http.StatusBadRequest, "com.amazon.coral.availability#ThrottlingException", "Rate exceeded")
		}
	case ServerError:
		writeError(w, http.StatusInternalServerError, "com.amazonaws.dynamodb.v20120810#InternalServerError", "Internal server error")
	case Garbage:
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("x-amzn-RequestId", requestID())
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("<html><body>502 Bad Gateway</body></html>\x00\xff"))
	default:
		writeError(w, http.StatusInternalServerError, "com.amazonaws.dynamodb.v20120810#InternalServerError", "unexpected fault kind")
	}
}

// writeError writes a DynamoDB JSON protocol error.
func writeError(w http.ResponseWriter, status int, typ, message string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("x-amzn-RequestId", requestID())
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"__type":%q,"message":%q}`, typ, message)
}

// requestID returns a random request id in AWS's upper-case hex style.
func requestID() string {
	var b [26]byte
	_, _ = rand.Read(b[:]) // never fails: it crashes the program instead
	return strings.ToUpper(hex.EncodeToString(b[:]))[:52]
}
