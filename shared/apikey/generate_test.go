package apikey_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"keygate/shared/apikey"
)

func TestGenerateShape(t *testing.T) {
	for _, prefix := range []string{apikey.DefaultPrefix, "k", "tianji2", "abcdefghijklmnop"} {
		t.Run(prefix, func(t *testing.T) {
			k := mustGenerate(t, prefix)
			if got, want := len(k.Token), len(prefix)+1+16+43+6; got != want {
				t.Fatalf("len(Token): got %d, want %d", got, want)
			}
			if !strings.HasPrefix(k.Token, prefix+"_") {
				t.Errorf("Token prefix: got %q, want %q", k.Token[:len(prefix)+1], prefix+"_")
			}
			body := k.Token[len(prefix)+1:]
			if !isBase62(body) {
				t.Errorf("Token body is not base62")
			}
			if got, want := k.ID, body[:16]; got != want {
				t.Errorf("ID: got %q, want %q", got, want)
			}
			if got, want := k.Start, prefix+"_"+k.ID[:8]; got != want {
				t.Errorf("Start: got %q, want %q", got, want)
			}
			sum := sha256.Sum256([]byte(k.Token))
			if got, want := k.Hash, hex.EncodeToString(sum[:]); got != want {
				t.Errorf("Hash: got %q, want %q", got, want)
			}
			if got, want := k.Token, encode(prefix, body[:16], body[16:59]); got != want {
				t.Errorf("Token checksum: got %q, want %q", got[len(got)-6:], want[len(want)-6:])
			}
		})
	}
}

func TestGenerateDistinctAndParse(t *testing.T) {
	const n = 100_000
	tokens := make(map[string]struct{}, n)
	ids := make(map[string]struct{}, n)
	for range n {
		k := mustGenerate(t, apikey.DefaultPrefix)
		if _, dup := tokens[k.Token]; dup {
			t.Fatalf("duplicate token after %d keys", len(tokens))
		}
		if _, dup := ids[k.ID]; dup {
			t.Fatalf("duplicate id after %d keys", len(ids))
		}
		tokens[k.Token] = struct{}{}
		ids[k.ID] = struct{}{}
		id, err := apikey.Parse(k.Token, apikey.DefaultPrefix)
		if err != nil {
			t.Fatalf("Parse(generated): got error %v, want nil", err)
		}
		if id != k.ID {
			t.Fatalf("Parse(generated): got id %q, want %q", id, k.ID)
		}
	}
}

// TestGenerateUniform checks that every base62 character is about equally
// likely in id and secret. A modulo bias (b % 62 without rejection) makes
// eight characters 25% more likely than the rest; the bound here is ±5%,
// about 15 standard deviations at this sample size, so it never flakes.
func TestGenerateUniform(t *testing.T) {
	const n = 50_000
	var counts [256]int
	for range n {
		k := mustGenerate(t, apikey.DefaultPrefix)
		for _, c := range []byte(k.Token[3 : 3+16+43]) {
			counts[c]++
		}
	}
	want := float64(n*(16+43)) / 62
	for _, c := range []byte(testAlphabet) {
		if got := float64(counts[c]); got < want*0.95 || got > want*1.05 {
			t.Errorf("count of %q: got %.0f, want %.0f ± 5%%", c, got, want)
		}
	}
}

func TestGenerateInvalidPrefix(t *testing.T) {
	for _, prefix := range []string{"", "Sk", "1sk", "sk_", "s-k", "abcdefghijklmnopq"} {
		t.Run(prefix, func(t *testing.T) {
			k, err := apikey.Generate(prefix)
			if !errors.Is(err, apikey.ErrPrefix) {
				t.Fatalf("Generate(%q): got error %v, want ErrPrefix", prefix, err)
			}
			if k != (apikey.Key{}) {
				t.Errorf("Generate(%q): got key %+v, want zero Key", prefix, k)
			}
		})
	}
}

func TestValidPrefix(t *testing.T) {
	tests := []struct {
		prefix string
		want   bool
	}{
		{"sk", true},
		{"k", true},
		{"a1", true},
		{"abcdefghijklmnop", true},
		{"", false},
		{"abcdefghijklmnopq", false},
		{"Sk", false},
		{"1a", false},
		{"s_k", false},
		{"sk-", false},
		{"sk ", false},
		{"ß", false},
	}
	for _, tt := range tests {
		t.Run(tt.prefix, func(t *testing.T) {
			if got := apikey.ValidPrefix(tt.prefix); got != tt.want {
				t.Errorf("ValidPrefix(%q): got %v, want %v", tt.prefix, got, tt.want)
			}
		})
	}
}

func TestHash(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := apikey.Hash(tt.in); got != tt.want {
				t.Errorf("Hash(%q): got %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
