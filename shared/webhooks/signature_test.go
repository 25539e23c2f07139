package webhooks

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"
)

// The Standard Webhooks libraries' published vector (libraries/*/ tests,
// "sign function works"): this secret, message id, timestamp and payload
// sign as this v1 signature.
const (
	vectorSecret    = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	vectorID        = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	vectorTimestamp = 1614265330
	vectorPayload   = `{"test": 2432232314}`
	vectorSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func mustKey(tb testing.TB, secret string) []byte {
	tb.Helper()
	key, err := SecretKey(secret)
	if err != nil {
		tb.Fatalf("SecretKey(%q): %v", secret, err)
	}
	return key
}

func TestSignStandardVector(t *testing.T) {
	if got := SignStandard(mustKey(t, vectorSecret), vectorID, vectorTimestamp, []byte(vectorPayload)); got != vectorSignature {
		t.Errorf("got %s, want %s", got, vectorSignature)
	}
}

func TestSign(t *testing.T) {
	// HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog"), the
	// published test value: X-Webhook-Signature as spec 003 computes it.
	if got, want := Sign("key", []byte("The quick brown fox jumps over the lazy dog")), "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestSecretKey(t *testing.T) {
	raw := []byte{0xfb, 0xff, 0xbf, 0x00, 0x01, 0x02, 0xfe, 0xef, 0x3e, 0x3f, 0xf8}
	tests := []struct {
		name, secret string
		want         []byte // nil: refused
	}{
		{"standard, padded", "whsec_" + base64.StdEncoding.EncodeToString(raw), raw},
		{"standard, unpadded", "whsec_" + base64.RawStdEncoding.EncodeToString(raw), raw},
		{"base64url, unpadded (issued before Standard Webhooks)", "whsec_" + base64.RawURLEncoding.EncodeToString(raw), raw},
		{"base64url, padded", "whsec_" + base64.URLEncoding.EncodeToString(raw), raw},
		{"the vector's", vectorSecret, mustDecode(t, "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")},
		{"no prefix", base64.StdEncoding.EncodeToString(raw), nil},
		{"empty", "whsec_", nil},
		{"both alphabets", "whsec_ab+c-def", nil},
		{"not base64", "whsec_ab$cd", nil},
		{"a lone character", "whsec_abcde", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := SecretKey(tt.secret)
			if tt.want == nil {
				if err == nil {
					t.Errorf("got %x, want an error", got)
				}
				return
			}
			if err != nil || string(got) != string(tt.want) {
				t.Errorf("got %x, %v; want %x", got, err, tt.want)
			}
		})
	}
}

func mustDecode(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestNewSecret(t *testing.T) {
	a, b := NewSecret(), NewSecret()
	if a == b {
		t.Fatal("two secrets are equal")
	}
	for _, s := range []string{a, b} {
		body, ok := strings.CutPrefix(s, "whsec_")
		if !ok {
			t.Fatalf("secret %q: want the whsec_ prefix", s)
		}
		key, err := base64.StdEncoding.Strict().DecodeString(body) // padded standard base64, as the standard's libraries read it
		if err != nil {
			t.Fatalf("secret %q: %v", s, err)
		}
		if got := len(key); got < 24 || got > 64 {
			t.Errorf("secret %q: %d bytes, want 24 to 64", s, got)
		}
		if got, err := StandardSecret(s); err != nil || got != s {
			t.Errorf("StandardSecret(%q): got %q, %v; want it unchanged", s, got, err)
		}
	}
}

func TestStandardSecretOfALegacySecret(t *testing.T) {
	legacy := "whsec_-_-_" + strings.Repeat("A", 39) // 43 base64url characters: 32 bytes
	got, err := StandardSecret(legacy)
	if err != nil {
		t.Fatal(err)
	}
	if want := "whsec_+/+/" + strings.Repeat("A", 39) + "="; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if string(mustKey(t, got)) != string(mustKey(t, legacy)) {
		t.Error("the re-encoded secret has another key")
	}
}

func TestSignatureHeaders(t *testing.T) {
	body := []byte(vectorPayload)
	at := time.Unix(vectorTimestamp, 900_000_000) // seconds, not rounded
	other := "whsec_" + base64.StdEncoding.EncodeToString([]byte("another key of at least 24 bytes"))
	legacy := "whsec_" + base64.RawURLEncoding.EncodeToString([]byte("a legacy key of 32 bytes, in url"))
	tests := []struct {
		name      string
		secrets   []string
		wantSig   string // X-Webhook-Signature
		wantStdID []string
	}{
		{"one secret", []string{vectorSecret}, Sign(vectorSecret, body), []string{vectorSignature}},
		{"rotation: the new secret and the old", []string{other, vectorSecret}, Sign(other, body),
			[]string{SignStandard(mustKey(t, other), vectorID, vectorTimestamp, body), vectorSignature}},
		{"a secret issued before Standard Webhooks", []string{legacy}, Sign(legacy, body),
			[]string{SignStandard([]byte("a legacy key of 32 bytes, in url"), vectorID, vectorTimestamp, body)}},
		{"an undecodable previous secret is left out", []string{vectorSecret, "not-a-secret"}, Sign(vectorSecret, body), []string{vectorSignature}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := SignatureHeaders(tt.secrets, vectorID, at, body)
			for name, want := range map[string]string{
				"X-Webhook-Id": vectorID, "X-Webhook-Timestamp": "1614265330", "X-Webhook-Signature": tt.wantSig,
				"webhook-id": vectorID, "webhook-timestamp": "1614265330", "webhook-signature": strings.Join(tt.wantStdID, " "),
			} {
				if got := h.Get(name); got != want {
					t.Errorf("%s: got %q, want %q", name, got, want)
				}
			}
		})
	}
	t.Run("no secret, no header", func(t *testing.T) {
		if h := SignatureHeaders(nil, vectorID, at, body); len(h) != 0 {
			t.Errorf("got %v, want nothing", h)
		}
	})
}

func TestSigningSecrets(t *testing.T) {
	at := time.Date(2027, 1, 15, 8, 0, 0, 0, time.UTC)
	w := Webhook{Secret: "whsec_new", PreviousSecrets: []PreviousSecret{
		{Secret: "whsec_old", Until: at.Add(time.Hour)},
		{Secret: "whsec_older", Until: at.Add(time.Minute)},
	}}
	tests := []struct {
		name string
		at   time.Time
		want string
	}{
		{"during both overlaps", at, "whsec_new whsec_old whsec_older"},
		{"the older one's overlap ended", at.Add(time.Minute), "whsec_new whsec_old"},
		{"every overlap ended", at.Add(time.Hour), "whsec_new"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := strings.Join(w.SigningSecrets(tt.at), " "); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
