package webhooks

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	"keygate/shared/apperr"
)

// ErrAddress is the error of a connection refused because its address is
// not public.
var ErrAddress = errors.New("webhooks: address not public")

// nonPublic are ranges netip's predicates do not cover: shared address
// space (RFC 6598), IETF protocol assignments, benchmarking, the reserved
// 240/4, documentation ranges, and NAT64 and 6to4 prefixes that embed an
// IPv4 address (which could be a private one).
var nonPublic = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "192.0.2.0/24", "198.18.0.0/15", "198.51.100.0/24",
		"203.0.113.0/24", "240.0.0.0/4", "255.255.255.255/32",
		"64:ff9b::/96", "64:ff9b:1::/48", "2001:db8::/32", "2002::/16", "100::/64",
	} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

// PublicAddr reports whether a delivery may connect to a: not private (RFC
// 1918, fc00::/7), loopback, link-local (169.254.0.0/16 with the instance
// metadata address, fe80::/10), multicast, unspecified, or any of the
// special ranges above. IPv4-mapped IPv6 is judged as the IPv4 address.
func PublicAddr(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsValid() || a.IsPrivate() || a.IsLoopback() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
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

// CheckURL validates an endpoint URL when it is registered: https, a host,
// no credentials, no fragment; http only to a loopback host and only with
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
	loopback := host == "localhost"
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

// Dialer returns the dialer deliveries connect with: it refuses, after DNS
// resolution and for every address tried, any address that is not public
// (loopback too with allowLoopback), so neither a private name nor DNS
// rebinding reaches the internal network or the instance metadata service.
func Dialer(timeout time.Duration, allowLoopback bool) *net.Dialer {
	return &net.Dialer{
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
	}
}
