package gateway

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// framingServer serves a handler that records each request's method, path
// and body behind GuardFraming.
func framingServer(tb testing.TB) (addr string, got func() []string) {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	var mu sync.Mutex
	var seen []string
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.Path+" "+string(b))
		mu.Unlock()
		if len(r.TransferEncoding) > 0 {
			w.Header().Set("Connection", "close")
		}
	})}
	go func() { _ = srv.Serve(GuardFraming(ln)) }()
	tb.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String(), func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), seen...)
	}
}

// exchange writes raw on one connection and reads n responses' statuses.
func exchange(tb testing.TB, addr, raw string, n int) []int {
	tb.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		tb.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, raw); err != nil {
		tb.Fatal(err)
	}
	br := bufio.NewReader(c)
	var out []int
	for range n {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			break
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		out = append(out, resp.StatusCode)
	}
	return out
}

func TestGuardFraming(t *testing.T) {
	head := func(method, path string, headers ...string) string {
		return fmt.Sprintf("%s %s HTTP/1.1\r\nHost: x\r\n%s\r\n", method, path, strings.Join(append(headers, ""), "\r\n"))
	}
	t.Run("refused", func(t *testing.T) {
		for name, raw := range map[string]string{
			"Content-Length and Transfer-Encoding": head("POST", "/a", "Content-Length: 4", "Transfer-Encoding: chunked") + "0\r\n\r\n" + head("GET", "/smuggled"),
			"Transfer-Encoding and Content-Length": head("POST", "/a", "Transfer-Encoding: chunked", "content-length: 4") + "0\r\n\r\n",
			"two different Content-Lengths":        head("POST", "/a", "Content-Length: 3", "Content-Length: 30") + "abc",
			"an encoding other than chunked":       head("POST", "/a", "Transfer-Encoding: gzip, chunked") + "0\r\n\r\n",
			"a negative Content-Length":            head("POST", "/a", "Content-Length: -1"),
			"after a valid request":                head("POST", "/ok", "Content-Length: 2") + "hi" + head("POST", "/a", "Content-Length: 1", "Transfer-Encoding: chunked") + "0\r\n\r\n",
		} {
			t.Run(name, func(t *testing.T) {
				addr, got := framingServer(t)
				statuses := exchange(t, addr, raw, 3)
				if len(statuses) == 0 || statuses[len(statuses)-1] != http.StatusBadRequest {
					t.Errorf("statuses %v, want the last to be 400", statuses)
				}
				for _, r := range got() {
					if !strings.HasPrefix(r, "POST /ok") {
						t.Errorf("the server got %q", r)
					}
				}
			})
		}
	})
	t.Run("allowed", func(t *testing.T) {
		addr, got := framingServer(t)
		raw := head("POST", "/one", "Content-Length: 5") + "a\r\n\r\n" + // a body that looks like a head's end
			head("GET", "/two") +
			head("POST", "/three", "Content-Length: 3", "Content-Length: 3") + "xyz" +
			head("POST", "/four", "Transfer-Encoding: chunked") + "3\r\nabc\r\n0\r\n\r\n"
		statuses := exchange(t, addr, raw, 4)
		want := []string{"POST /one a\r\n\r\n", "GET /two ", "POST /three xyz", "POST /four abc"}
		if g := got(); len(statuses) != 4 || strings.Join(g, "|") != strings.Join(want, "|") {
			t.Errorf("statuses %v, requests %q, want 4 and %q", statuses, g, want)
		}
	})
}
