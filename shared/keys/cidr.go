package keys

import (
	"net/netip"
	"slices"
	"strings"

	"keygate/shared/apperr"
)

// MaxAllowedCIDRs is the most networks a key's allowlist may hold.
const MaxAllowedCIDRs = 20

// ParseCIDRs checks a key's allowlist and returns it in canonical form,
// sorted, without duplicates. Each entry is an IPv4 or IPv6 network in CIDR
// notation, or a single address (then a /32 or /128). A network whose
// address has host bits set (10.1.2.3/8) is refused, not rounded down: the
// caller likely meant another network, and guessing would widen or narrow
// the key silently. IPv4-mapped IPv6 networks (::ffff:10.0.0.0/104) are
// refused too: write them as IPv4 (sources are matched in their IPv4 form).
// An empty list is refused; "no allowlist" is nil (null in JSON).
func ParseCIDRs(entries []string) ([]netip.Prefix, error) {
	if len(entries) == 0 {
		return nil, apperr.Errorf(apperr.BadRequest, "allowedCidrs must not be empty: send null (or omit it) for a key usable from any address")
	}
	if len(entries) > MaxAllowedCIDRs {
		return nil, apperr.Errorf(apperr.BadRequest, "allowedCidrs holds %d networks: at most %d", len(entries), MaxAllowedCIDRs)
	}
	out := make([]netip.Prefix, 0, len(entries))
	for _, e := range entries {
		p, err := parseCIDR(strings.TrimSpace(e))
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	slices.SortFunc(out, comparePrefixes)
	return slices.Compact(out), nil
}

func parseCIDR(s string) (netip.Prefix, error) {
	if len(s) > 64 {
		return netip.Prefix{}, apperr.Errorf(apperr.BadRequest, "allowedCidrs: an entry is longer than 64 characters")
	}
	var p netip.Prefix
	if strings.Contains(s, "/") {
		var err error
		if p, err = netip.ParsePrefix(s); err != nil {
			return netip.Prefix{}, apperr.Errorf(apperr.BadRequest, "allowedCidrs: %q is not a CIDR such as 203.0.113.0/24 or 2001:db8::/32", s)
		}
	} else {
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" {
			return netip.Prefix{}, apperr.Errorf(apperr.BadRequest, "allowedCidrs: %q is not an IP address or CIDR", s)
		}
		p = netip.PrefixFrom(a, a.BitLen())
	}
	if p.Addr().Is4In6() {
		return netip.Prefix{}, apperr.Errorf(apperr.BadRequest, "allowedCidrs: %q is an IPv4-mapped IPv6 network: write it as IPv4", s)
	}
	if p.Masked() != p {
		return netip.Prefix{}, apperr.Errorf(apperr.BadRequest, "allowedCidrs: %q has host bits set: did you mean %s, or the single address %s/%d?",
			s, p.Masked(), p.Addr(), p.Addr().BitLen())
	}
	return p, nil
}

// comparePrefixes orders networks by address, then by length.
func comparePrefixes(a, b netip.Prefix) int {
	if c := a.Addr().Compare(b.Addr()); c != 0 {
		return c
	}
	return a.Bits() - b.Bits()
}

// AllowsSource reports whether the source address ip (as API Gateway gives
// requestContext.identity.sourceIp) is in the allowlist; a nil allowlist
// allows every address. An IPv4-mapped IPv6 source matches its IPv4 form.
// A source that is not an address never matches a list.
func AllowsSource(allowlist []netip.Prefix, ip string) bool {
	if allowlist == nil {
		return true
	}
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	a = a.Unmap().WithZone("")
	for _, p := range allowlist {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// cidrsWithin reports whether every network of child lies inside a network
// of parent; a nil parent (any address) holds everything, a nil child (any
// address) lies only inside a nil parent.
func cidrsWithin(child, parent []netip.Prefix) bool {
	if parent == nil {
		return true
	}
	if child == nil {
		return false
	}
	for _, c := range child {
		inside := false
		for _, p := range parent {
			if p.Bits() <= c.Bits() && p.Contains(c.Addr()) {
				inside = true
				break
			}
		}
		if !inside {
			return false
		}
	}
	return true
}

// FormatCIDRs writes an allowlist as strings (nil stays nil).
func FormatCIDRs(ps []netip.Prefix) []string {
	if ps == nil {
		return nil
	}
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}
