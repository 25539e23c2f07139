package gateway

import (
	"bytes"
	"net"
	"strconv"
	"strings"
	"sync"
)

// GuardFraming wraps a listener so that a request whose body framing is
// ambiguous is answered 400 and its connection closed before the gateway
// reads it: Content-Length together with Transfer-Encoding, Content-Length
// values that differ, or a Transfer-Encoding other than chunked. RFC 9112,
// section 6.1, calls such a message a likely request-smuggling attempt
// that "ought to be handled as an error"; Go's server would instead drop
// the Content-Length and carry on. The upstream behind an HTTP_PROXY route
// gets a request the gateway framed itself, with its own Content-Length.
//
// The guard reads request heads as they pass. After a chunked request it
// stops looking (the gateway closes such connections, see
// closeAfterChunked), so it never has to parse chunked bodies.
func GuardFraming(l net.Listener) net.Listener { return framingListener{l} }

type framingListener struct{ net.Listener }

func (l framingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &framingConn{Conn: c}, nil
}

// maxHead bounds the bytes the guard buffers looking for the end of a head;
// a longer head is passed on for the gateway's own 431.
const maxHead = 64 << 10

// badFraming is the answer to an ambiguous request, in keygate's envelope.
const badFraming = "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: 79\r\n\r\n" +
	`{"error":{"code":"BAD_REQUEST","message":"Ambiguous request framing refused"}}`

type framingConn struct {
	net.Conn
	mu      sync.Mutex
	buf     []byte // bytes read, not yet released to the server
	out     []byte // bytes released, not yet returned
	body    int64  // body bytes to release before the next head
	through bool   // stop inspecting
	closed  bool
}

func (c *framingConn) Read(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(c.out) == 0 {
		if c.closed {
			return 0, net.ErrClosed
		}
		if c.through && len(c.buf) == 0 {
			c.mu.Unlock()
			n, err := c.Conn.Read(p)
			c.mu.Lock()
			return n, err
		}
		if c.release() {
			break
		}
		tmp := make([]byte, 16<<10)
		c.mu.Unlock()
		n, err := c.Conn.Read(tmp)
		c.mu.Lock()
		c.buf = append(c.buf, tmp[:n]...)
		if n == 0 && err != nil {
			if len(c.buf) > 0 {
				c.out, c.buf = c.buf, nil // let the server see the partial head
				break
			}
			return 0, err
		}
	}
	n := copy(p, c.out)
	c.out = c.out[n:]
	return n, nil
}

// release moves what may pass from buf to out and reports whether it did.
func (c *framingConn) release() bool {
	if len(c.buf) == 0 {
		return false
	}
	if c.through {
		c.out, c.buf = c.buf, nil
		return true
	}
	if c.body > 0 {
		n := min(c.body, int64(len(c.buf)))
		c.out, c.buf = c.buf[:n:n], c.buf[n:]
		c.body -= n
		return true
	}
	end := bytes.Index(c.buf, []byte("\r\n\r\n"))
	if end < 0 {
		if len(c.buf) > maxHead {
			c.through = true
			return c.release()
		}
		return false
	}
	head := c.buf[:end+4]
	length, chunked, ok := framing(head)
	if !ok {
		_, _ = c.Conn.Write([]byte(badFraming))
		_ = c.Conn.Close()
		c.closed, c.buf = true, nil
		return false
	}
	c.out, c.buf = head[:len(head):len(head)], c.buf[end+4:]
	c.body = length
	c.through = chunked
	return true
}

// framing reads a request head's body framing: its Content-Length, whether
// it is chunked, and false when the two are ambiguous.
func framing(head []byte) (length int64, chunked, ok bool) {
	var lengths, encodings []string
	for _, line := range strings.Split(string(head), "\r\n")[1:] {
		name, value, found := strings.Cut(line, ":")
		if !found {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "content-length":
			lengths = append(lengths, strings.TrimSpace(value))
		case "transfer-encoding":
			encodings = append(encodings, strings.TrimSpace(value))
		}
	}
	if len(encodings) > 0 {
		if len(lengths) > 0 || len(encodings) > 1 || !strings.EqualFold(encodings[0], "chunked") {
			return 0, false, false
		}
		return 0, true, true
	}
	for _, l := range lengths {
		if l != lengths[0] {
			return 0, false, false
		}
	}
	if len(lengths) > 0 {
		n, err := strconv.ParseInt(lengths[0], 10, 64)
		if err != nil || n < 0 {
			return 0, false, false
		}
		return n, false, true
	}
	return 0, false, true
}

func (c *framingConn) Close() error {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	return c.Conn.Close()
}
