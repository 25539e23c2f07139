package assertion

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestDeriveKey(t *testing.T) {
	a, err := DeriveKey(testSeed)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := DeriveKey(testSeed)
	if a.ID != b.ID || !a.public.Equal(b.public) {
		t.Errorf("two derivations of one seed differ: %s, %s", a.ID, b.ID)
	}
	c, _ := DeriveKey(testSeed[1:] + "x")
	if c.ID == a.ID {
		t.Errorf("two seeds gave one kid %s", a.ID)
	}
	if _, err := DeriveKey(strings.Repeat("a", MinSeedLength-1)); !errors.Is(err, ErrSeed) {
		t.Errorf("short seed: got %v, want ErrSeed", err)
	}
}

// TestThumbprintRFC8037 checks the kid against the thumbprint of RFC 8037,
// appendix A.3, computed over the key of appendix A.2.
func TestThumbprintRFC8037(t *testing.T) {
	x := "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
	pub, _ := b64decode(x)
	if got, want := thumbprint(pub), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestPublicJWK(t *testing.T) {
	k, _ := DeriveKey(testSeed)
	b := k.publicJSON()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, private := range []string{"d", "p", "q", "dp", "dq", "qi", "k"} {
		if _, ok := m[private]; ok {
			t.Errorf("public JWK has private member %q: %s", private, b)
		}
	}
	got, err := ParseJWK(b)
	if err != nil {
		t.Fatal(err)
	}
	if got != k.PublicJWK() {
		t.Errorf("got %+v, want %+v", got, k.PublicJWK())
	}
}

func TestParseJWKRefuses(t *testing.T) {
	k, _ := DeriveKey(testSeed)
	good := k.PublicJWK()
	with := func(f func(m map[string]any)) []byte {
		b, _ := json.Marshal(good)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		f(m)
		b, _ = json.Marshal(m)
		return b
	}
	for name, data := range map[string][]byte{
		"private member d": with(func(m map[string]any) { m["d"] = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A" }),
		"wrong kid":        with(func(m map[string]any) { m["kid"] = "other" }),
		"RSA key":          with(func(m map[string]any) { m["kty"] = "RSA" }),
		"short x":          with(func(m map[string]any) { m["x"] = "AAAA" }),
		"not JSON":         []byte("{"),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseJWK(data); err == nil {
				t.Errorf("ParseJWK(%s): got nil error, want one", data)
			}
		})
	}
}
