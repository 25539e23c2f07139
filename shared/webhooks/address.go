package webhooks

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"keygate/shared/apperr"
)

// ErrAddress is the error of a connection refused because its address is
// not public.
var ErrAddress = errors.New("webhooks: address not public")

// nonPublic are ranges netip's predicates do not cover. IPv4: "this
// network", shared address space (RFC 6598), IETF protocol assignments,
// the documentation ranges, the deprecated 6to4 relay anycast, benchmarking,
// the reserved 240/4 and broadcast. IPv6 inside 2000::/3 (everything
// outside it is refused anyway, see PublicAddr): the IETF protocol
// assignments 2001::/23 (with Teredo, 2001::/32, whose embedded addresses
// are a relay's and an obfuscated client's), documentation (2001:db8::/32,
// 3fff::/20) and 6to4 (2002::/16), refused whatever IPv4 address it
// embeds: it is deprecated (RFC 7526) and its relays are nobody's to
// vouch for.
var nonPublic = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "198.18.0.0/15",
		"198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4", "255.255.255.255/32",
		"2001::/23", "2001:db8::/32", "2002::/16", "3fff::/20",
	} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

var (
	// globalUnicast is the only IPv6 space with public unicast addresses
	// (RFC 4291). Outside it: ::/8 (unspecified, loopback, the deprecated
	// IPv4-compatible ::a.b.c.d, IPv4-translated ::ffff:0:a.b.c.d), 100::/64
	// (discard), the local-use NAT64 prefix 64:ff9b:1::/48 (RFC 8215: a
	// network's own, whatever it embeds), fc00::/7, the deprecated site-local
	// fec0::/10, fe80::/10 and ff00::/8.
	globalUnicast = netip.MustParsePrefix("2000::/3")
	// nat64 is the well-known NAT64 prefix (RFC 6052): the address is the
	// IPv4 one in its last 32 bits, judged as such, so a DNS64 network
	// (an IPv6-only VPC) still reaches public IPv4 receivers and never a
	// private one.
	nat64 = netip.MustParsePrefix("64:ff9b::/96")
)

// PublicAddr reports whether a delivery may connect to a: not private (RFC
// 1918, fc00::/7), loopback, link-local (169.254.0.0/16 with the instance
// metadata address, fe80::/10), multicast, unspecified, any IPv6 address
// outside 2000::/3, or any of the special ranges above. IPv4-mapped IPv6
// (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) are judged as the IPv4
// address they carry. An address with an IPv6 zone is not public.
func PublicAddr(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsValid() || a.Zone() != "" {
		return false
	}
	if nat64.Contains(a) {
		b := a.As16()
		return PublicAddr(netip.AddrFrom4([4]byte(b[12:])))
	}
	if a.Is6() && !globalUnicast.Contains(a) {
		return false
	}
	if a.IsPrivate() || a.IsLoopback() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsUnspecified() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// allowed reports whether a delivery may connect to a; allowLoopback (the
// local stack only) also admits loopback addresses.
func allowed(a netip.Addr, allowLoopback bool) bool {
	return PublicAddr(a) || (allowLoopback && a.Unmap().IsLoopback())
}

// checkHost refuses host forms that name an address without being one
// keygate can judge: a host that is not ASCII (net/http maps it to
// ASCII before dialling, full-width digits included, so "１２７.１" would
// become 127.1), and a host whose last label is a number but which is not a
// canonical dotted-quad: 127.1, 0x7f000001, 2130706433, 0177.0.0.1,
// 127.0.0.1. — browsers, curl and inet_aton read all of these as IPv4
// addresses (WHATWG URL's "ends in a number"), and no DNS name ends in a
// numeric label. It returns why, or "".
func checkHost(host string) string {
	for i := 0; i < len(host); i++ {
		if host[i] >= utf8.RuneSelf {
			return "the host must be ASCII: write an international domain name in its xn-- form"
		}
	}
	if a, err := netip.ParseAddr(host); err == nil {
		if a.Zone() != "" {
			return "an IPv6 zone is not allowed"
		}
		return ""
	}
	labels := strings.Split(strings.TrimSuffix(host, "."), ".")
	if last := labels[len(labels)-1]; numeric(last) {
		return "a numeric host must be a dotted-quad IPv4 address such as 192.0.2.1 (forms such as 127.1, 0x7f000001, 2130706433 or 0177.0.0.1 are refused)"
	}
	return ""
}

// numeric reports whether label is a number as URL parsers read one:
// decimal digits, or 0x followed by hex digits (none included).
func numeric(label string) bool {
	if len(label) >= 2 && label[0] == '0' && (label[1] == 'x' || label[1] == 'X') {
		for _, c := range label[2:] {
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
		return true
	}
	if label == "" {
		return false
	}
	for _, c := range label {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// checkPort refuses a port that is not a decimal number from 1 to 65535;
// "" (the scheme's default) is fine. It returns why, or "".
func checkPort(port string) string {
	if port == "" {
		return ""
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "the port must be a number from 1 to 65535"
	}
	return ""
}

// CheckURL validates an endpoint URL when it is registered: valid UTF-8,
// https, a host in a form checkHost accepts, a port from 1 to 65535, no
// credentials, no fragment; http only to a loopback host and only with
// allowLoopbackHTTP (the local stack). An IP literal that is not public is
// refused here already; names are checked again, after DNS resolution, at
// every connection (the Dialer), so a name that later resolves to a private
// address is refused too.
func CheckURL(raw string, allowLoopbackHTTP bool) error {
	bad := func(why string) error { return apperr.Errorf(apperr.BadRequest, "url: %s", why) }
	if raw == "" {
		return bad("required")
	}
	if len(raw) > MaxURLLength {
		return bad(fmt.Sprintf("at most %d characters", MaxURLLength))
	}
	if !utf8.ValidString(raw) {
		return bad("not valid UTF-8")
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Opaque != "" {
		return bad("want an absolute https URL")
	}
	if u.User != nil {
		return bad("credentials in the URL are not allowed")
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return bad("a fragment is not allowed")
	}
	host := u.Hostname()
	if why := checkHost(host); why != "" {
		return bad(why)
	}
	if why := checkPort(u.Port()); why != "" {
		return bad(why)
	}
	name := strings.ToLower(strings.TrimSuffix(host, "."))
	loopback := name == "localhost" || strings.HasSuffix(name, ".localhost") // RFC 6761
	if a, err := netip.ParseAddr(host); err == nil {
		loopback = a.Unmap().IsLoopback()
		if !allowed(a, allowLoopbackHTTP) {
			return bad("the address is not public")
		}
	} else if loopback && !allowLoopbackHTTP {
		return bad("the address is not public")
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && allowLoopbackHTTP && loopback:
	default:
		return bad("want https")
	}
	return nil
}

// GuardedDialer is the dialer deliveries connect with (Dialer).
type GuardedDialer struct {
	dialer net.Dialer
}

// Dialer returns the dialer deliveries connect with. Before resolution it
// refuses the host forms and ports CheckURL refuses (an endpoint stored
// before those rules, say); after DNS resolution, for every address tried,
// it refuses any address that is not public (loopback too without
// allowLoopback), so neither a private name nor DNS rebinding reaches the
// internal network or the instance metadata service. Every refusal wraps
// ErrAddress.
func Dialer(timeout time.Duration, allowLoopback bool) *GuardedDialer {
	return &GuardedDialer{dialer: net.Dialer{
		Timeout: timeout,
		Control: func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("%w: %s", ErrAddress, address)
			}
			if !allowed(ap.Addr(), allowLoopback) {
				return fmt.Errorf("%w: %s", ErrAddress, ap.Addr())
			}
			return nil
		},
	}}
}

// DialContext checks address's host form and port, then dials through the
// post-resolution check.
func (d *GuardedDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrAddress, err)
	}
	if why := checkHost(host); why != "" {
		return nil, fmt.Errorf("%w: %s", ErrAddress, why)
	}
	if why := checkPort(port); why != "" {
		return nil, fmt.Errorf("%w: %s", ErrAddress, why)
	}
	return d.dialer.DialContext(ctx, network, address)
}
