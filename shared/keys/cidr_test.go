package keys

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"keygate/shared/apperr"
)

func TestParseCIDRs(t *testing.T) {
	tests := []struct {
		name    string
		in      []string
		want    []string
		wantErr string
	}{
		{"ipv4 network", []string{"203.0.113.0/24"}, []string{"203.0.113.0/24"}, ""},
		{"ipv6 network", []string{"2001:db8::/32"}, []string{"2001:db8::/32"}, ""},
		{"single v4 address is a /32", []string{"203.0.113.7"}, []string{"203.0.113.7/32"}, ""},
		{"single v6 address is a /128", []string{"2001:db8::1"}, []string{"2001:db8::1/128"}, ""},
		{"canonical v6 form", []string{"2001:DB8:0:0::/64"}, []string{"2001:db8::/64"}, ""},
		{"sorted, duplicates once", []string{"10.0.0.0/8", "192.0.2.0/24", "10.0.0.0/8"}, []string{"10.0.0.0/8", "192.0.2.0/24"}, ""},
		{"spaces trimmed", []string{" 192.0.2.0/24 "}, []string{"192.0.2.0/24"}, ""},
		{"the whole v4 internet", []string{"0.0.0.0/0"}, []string{"0.0.0.0/0"}, ""},
		{"twenty", twenty(), nil, ""},
		{"empty list", []string{}, nil, "must not be empty"},
		{"twenty-one", append(twenty(), "198.51.100.0/24"), nil, "at most 20"},
		{"host bits set", []string{"10.1.2.3/8"}, nil, "host bits set: did you mean 10.0.0.0/8"},
		{"host bits set v6", []string{"2001:db8::1/32"}, nil, "host bits set"},
		{"v4-mapped v6", []string{"::ffff:10.0.0.0/104"}, nil, "IPv4-mapped"},
		{"v4-mapped v6 address", []string{"::ffff:10.0.0.1"}, nil, "IPv4-mapped"},
		{"not an address", []string{"example.com"}, nil, "not an IP address"},
		{"bad prefix length", []string{"10.0.0.0/33"}, nil, "not a CIDR"},
		{"zone", []string{"fe80::1%eth0"}, nil, "not an IP address"},
		{"empty entry", []string{""}, nil, "not an IP address"},
		{"too long", []string{strings.Repeat("1", 65)}, nil, "longer than 64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCIDRs(tt.in)
			if tt.wantErr != "" {
				if !apperr.Is(err, apperr.BadRequest) || !strings.Contains(apperr.MessageOf(err), tt.wantErr) {
					t.Fatalf("got %v, %v; want BAD_REQUEST containing %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if tt.want != nil && !slices.Equal(FormatCIDRs(got), tt.want) {
				t.Errorf("got %v, want %v", FormatCIDRs(got), tt.want)
			}
		})
	}
}

func twenty() []string {
	var out []string
	for i := range 20 {
		out = append(out, netip.AddrFrom4([4]byte{10, byte(i), 0, 0}).String()+"/16")
	}
	return out
}

func TestAllowsSource(t *testing.T) {
	list := mustCIDRs(t, "192.0.2.0/24", "10.0.0.0/8", "2001:db8::/32", "198.51.100.7")
	tests := []struct {
		ip   string
		want bool
	}{
		{"192.0.2.0", true}, {"192.0.2.255", true}, {"192.0.1.255", false}, {"192.0.3.0", false},
		{"10.255.255.255", true}, {"11.0.0.0", false},
		{"198.51.100.7", true}, {"198.51.100.8", false},
		{"2001:db8::", true}, {"2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", true}, {"2001:db9::", false},
		{"::ffff:192.0.2.10", true}, {"::ffff:11.0.0.1", false}, // mapped sources match their IPv4 form
		{"fe80::1%eth0", false}, {"", false}, {"not-an-ip", false}, {"192.0.2.1:443", false},
	}
	for _, tt := range tests {
		if got := AllowsSource(list, tt.ip); got != tt.want {
			t.Errorf("AllowsSource(%q): got %v, want %v", tt.ip, got, tt.want)
		}
	}
	if !AllowsSource(nil, "anything") {
		t.Errorf("a nil allowlist: got refused, want every source allowed")
	}
	if AllowsSource([]netip.Prefix{}, "192.0.2.1") {
		t.Errorf("an empty (unreadable) allowlist: got allowed, want refused")
	}
}

func TestCIDRsWithin(t *testing.T) {
	parent := mustCIDRs(t, "10.0.0.0/8", "192.0.2.0/24")
	tests := []struct {
		name   string
		child  []netip.Prefix
		parent []netip.Prefix
		want   bool
	}{
		{"inside", mustCIDRs(t, "10.1.0.0/16", "192.0.2.7"), parent, true},
		{"equal", parent, parent, true},
		{"wider", mustCIDRs(t, "10.0.0.0/7"), parent, false},
		{"outside", mustCIDRs(t, "198.51.100.0/24"), parent, false},
		{"one of two outside", mustCIDRs(t, "10.1.0.0/16", "198.51.100.0/24"), parent, false},
		{"any address under a list", nil, parent, false},
		{"anything under any address", mustCIDRs(t, "0.0.0.0/0"), nil, true},
		{"v6 under v4", mustCIDRs(t, "2001:db8::/32"), parent, false},
	}
	for _, tt := range tests {
		if got := cidrsWithin(tt.child, tt.parent); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func mustCIDRs(tb testing.TB, s ...string) []netip.Prefix {
	tb.Helper()
	p, err := ParseCIDRs(s)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// FuzzAllowsSource checks matching against the definition: an address is
// allowed exactly when, as a 128-bit number (IPv4 in its mapped form), it
// shares the network's first bits with the network address. Range edges
// come from the fuzzer's choice of prefix lengths and addresses.
func FuzzAllowsSource(f *testing.F) {
	f.Add("192.0.2.0/24", "192.0.2.255")
	f.Add("192.0.2.0/24", "192.0.3.0")
	f.Add("2001:db8::/32", "2001:db8:ffff::1")
	f.Add("10.0.0.0/8", "::ffff:10.1.2.3")
	f.Add("0.0.0.0/0", "255.255.255.255")
	f.Add("::/0", "::1")
	f.Fuzz(func(t *testing.T, cidr, ip string) {
		list, err := ParseCIDRs([]string{cidr})
		if err != nil {
			return
		}
		a, err := netip.ParseAddr(ip)
		if err != nil || a.Zone() != "" {
			if AllowsSource(list, ip) {
				t.Fatalf("AllowsSource(%v, %q): a source that is not a plain address matched", list, ip)
			}
			return
		}
		p := list[0]
		want := false
		src := a.Unmap()
		if src.Is4() == p.Addr().Is4() {
			want = sharesBits(p.Addr().As16(), src.As16(), offset(p)+p.Bits())
		}
		if got := AllowsSource(list, ip); got != want {
			t.Fatalf("AllowsSource(%v, %q) = %v, want %v", list, ip, got, want)
		}
	})
}

// offset is 96 for IPv4 (its bits sit at the end of the mapped 16 bytes).
func offset(p netip.Prefix) int {
	if p.Addr().Is4() {
		return 96
	}
	return 0
}

// sharesBits reports whether a and b agree on their first n bits.
func sharesBits(a, b [16]byte, n int) bool {
	for i := range n {
		if (a[i/8]>>(7-i%8))&1 != (b[i/8]>>(7-i%8))&1 {
			return false
		}
	}
	return true
}
