package reliability

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"keygate/shared/apikey"
	"keygate/shared/keys"
)

// badCase is one request of the corpus and the answer it must get.
type badCase struct {
	name   string
	method string
	path   string
	header http.Header // nil: Bearer <alice's token>
	body   string      // sent with Content-Type application/json unless header sets one
	status int
}

// codeOf is the envelope code of each documented error status.
var codeOf = map[int]string{
	400: "BAD_REQUEST",
	401: "UNAUTHORIZED",
	403: "FORBIDDEN",
	404: "NOT_FOUND",
	413: "PAYLOAD_TOO_LARGE",
	415: "UNSUPPORTED_MEDIA_TYPE",
}

// corpusKeys are the keys the corpus uses besides alice's.
type corpusKeys struct {
	unknown, deleted, expired, disabled, readOnly, writeOnly string
	bobKeyID, bobCursor                                      string
}

// seedCorpus creates the keys the corpus needs: unknown (never stored),
// deleted, expired, a disabled user's, read- and write-scoped, and bob's.
func seedCorpus(tb testing.TB, e *env) corpusKeys {
	tb.Helper()
	ctx := context.Background()
	var k corpusKeys
	gen := func() apikey.Key {
		key, err := apikey.Generate(apikey.DefaultPrefix)
		if err != nil {
			tb.Fatal(err)
		}
		e.addSecrets(Secrets(key.Token)...)
		return key
	}
	create := func(user string, key apikey.Key, scopes []keys.Scope, expires *time.Time) {
		err := e.st.CreateKey(ctx, keys.Key{ID: key.ID, UserID: user, Name: "corpus", Hash: key.Hash,
			Start: key.Start, Scopes: scopes, CreatedAt: time.Now().UTC().Add(-time.Hour), ExpiresAt: expires}, nil)
		if err != nil {
			tb.Fatalf("CreateKey: %v", err)
		}
	}
	k.unknown = gen().Token

	del := gen()
	create(e.alice.UserID, del, keys.AllScopes, nil)
	if err := e.st.DeleteKey(ctx, e.alice.UserID, del.ID, nil); err != nil {
		tb.Fatalf("DeleteKey: %v", err)
	}
	k.deleted = del.Token

	exp := gen()
	past := time.Now().UTC().Add(-time.Minute).Truncate(time.Millisecond)
	create(e.alice.UserID, exp, keys.AllScopes, &past)
	k.expired = exp.Token

	ro := gen()
	create(e.alice.UserID, ro, []keys.Scope{keys.ScopeRead}, nil)
	k.readOnly = ro.Token
	wo := gen()
	create(e.alice.UserID, wo, []keys.Scope{keys.ScopeRead, keys.ScopeWrite}, nil)
	k.writeOnly = wo.Token

	carol, err := Seed(ctx, e.st, "carol", "")
	if err != nil {
		tb.Fatalf("seed carol: %v", err)
	}
	e.addSecrets(carol.Secrets()...)
	if _, err := e.st.SetUserDisabled(ctx, carol.UserID, true); err != nil {
		tb.Fatalf("SetUserDisabled: %v", err)
	}
	k.disabled = carol.Token

	bob, err := Seed(ctx, e.st, "bob", "")
	if err != nil {
		tb.Fatalf("seed bob: %v", err)
	}
	e.addSecrets(bob.Secrets()...)
	create(bob.UserID, gen(), keys.AllScopes, nil)
	_, cursor, err := e.st.ListKeys(ctx, bob.UserID, 1, "")
	if err != nil || cursor == "" {
		tb.Fatalf("ListKeys(bob): cursor %q, err %v", cursor, err)
	}
	k.bobKeyID, k.bobCursor = bob.KeyID, cursor
	return k
}

// auth is an Authorization header with exactly the value v.
func auth(v ...string) http.Header { return http.Header{"Authorization": v} }

// corpus returns the bad-input cases, with a few valid neighbours (tricky
// but documented as accepted) so that the rules are pinned from both sides.
func corpus(e *env, k corpusKeys) []badCase {
	tok := e.alice.Token
	id := e.alice.KeyID
	b := "Bearer "
	flip := func(s string, i int) string { // change one character, keep the alphabet
		c := byte('A')
		if s[i] == 'A' {
			c = 'B'
		}
		return s[:i] + string(c) + s[i+1:]
	}
	withCT := func(ct string) http.Header {
		return http.Header{"Authorization": {b + tok}, "Content-Type": {ct}}
	}
	long := strings.Repeat("a", 101)
	big := `{"name":"` + strings.Repeat("x", 70<<10) + `"}`
	whoami := "/open/auth/whoami"
	keysPath := "/open/apikeys"
	one := keysPath + "/" + id
	rot := one + "/rotate"
	return []badCase{
		// Headers and schemes.
		{"no Authorization", "GET", whoami, http.Header{}, "", 401},
		{"empty Authorization", "GET", whoami, auth(""), "", 401},
		{"blank Authorization", "GET", whoami, auth("   "), "", 401},
		{"Basic scheme", "GET", whoami, auth("Basic dXNlcjpwYXNz"), "", 401},
		{"token without scheme", "GET", whoami, auth(tok), "", 401},
		{"Bearer without token", "GET", whoami, auth("Bearer"), "", 401},
		{"Bearer and spaces only", "GET", whoami, auth("Bearer    "), "", 401},
		{"scheme glued to token", "GET", whoami, auth("Bearer" + tok), "", 401},
		{"Token scheme", "GET", whoami, auth("Token " + tok), "", 401},
		{"two tokens", "GET", whoami, auth(b + tok + " " + tok), "", 401},
		{"two Authorization headers", "GET", whoami, auth(b+tok, b+tok), "", 401},
		{"lower-case bearer (accepted)", "GET", whoami, auth("bearer " + tok), "", 200},
		{"upper-case BEARER, many spaces (accepted)", "GET", whoami, auth("BEARER     " + tok), "", 200},
		{"tab between scheme and token (accepted, as documented)", "GET", whoami, auth("Bearer\t" + tok), "", 200},
		// Tokens.
		{"token truncated", "GET", whoami, auth(b + tok[:len(tok)-1]), "", 401},
		{"token one char longer", "GET", whoami, auth(b + tok + "A"), "", 401},
		{"token checksum changed", "GET", whoami, auth(b + flip(tok, len(tok)-1)), "", 401},
		{"token secret changed", "GET", whoami, auth(b + flip(tok, len(tok)-20)), "", 401},
		{"token id changed", "GET", whoami, auth(b + flip(tok, 4)), "", 401},
		{"token wrong prefix", "GET", whoami, auth(b + "pk" + tok[2:]), "", 401},
		{"token upper-case prefix", "GET", whoami, auth(b + "SK" + tok[2:]), "", 401},
		{"token without prefix", "GET", whoami, auth(b + tok[3:]), "", 401},
		{"token with a dash", "GET", whoami, auth(b + tok[:10] + "-" + tok[11:]), "", 401},
		{"token with non-ASCII", "GET", whoami, auth(b + tok[:10] + "é" + tok[12:]), "", 401},
		{"token 8 KiB long", "GET", whoami, auth(b + "sk_" + strings.Repeat("A", 8<<10)), "", 401},
		{"token is the hash", "GET", whoami, auth(b + e.alice.Hash), "", 401},
		{"unknown key", "GET", whoami, auth(b + k.unknown), "", 403},
		{"deleted key", "GET", whoami, auth(b + k.deleted), "", 403},
		{"expired key", "GET", whoami, auth(b + k.expired), "", 403},
		{"disabled user's key", "GET", whoami, auth(b + k.disabled), "", 403},
		{"read-scope key lists keys", "GET", keysPath, auth(b + k.readOnly), "", 403},
		{"write-scope key creates a key", "POST", keysPath, auth(b + k.writeOnly), `{"name":"x"}`, 403},
		{"read-scope key on whoami (accepted)", "GET", whoami, auth(b + k.readOnly), "", 200},
		// Paths.
		{"unknown route", "GET", "/open/nothing", nil, "", 404},
		{"root", "GET", "/", nil, "", 404},
		{"unknown route without key", "GET", "/open/nothing", http.Header{}, "", 404},
		{"unsupported method on collection", "PUT", keysPath, nil, `{"name":"x"}`, 404},
		{"DELETE on collection", "DELETE", keysPath, nil, "", 404},
		{"POST on whoami", "POST", whoami, nil, `{}`, 404},
		{"GET on rotate", "GET", rot, nil, "", 404},
		{"path 4 KiB long", "GET", "/open/" + strings.Repeat("a", 4<<10), nil, "", 404},
		{"unknown key id", "GET", keysPath + "/AAAAAAAAAAAAAAAA", nil, "", 404},
		{"another user's key id", "GET", keysPath + "/" + k.bobKeyID, nil, "", 404},
		{"delete another user's key", "DELETE", keysPath + "/" + k.bobKeyID, nil, "", 404},
		{"rotate another user's key", "POST", keysPath + "/" + k.bobKeyID + "/rotate", nil, `{}`, 404},
		{"key id with bad characters", "GET", keysPath + "/bad%21id", nil, "", 404},
		{"key id 200 chars", "GET", keysPath + "/" + strings.Repeat("A", 200), nil, "", 404},
		{"another user's workspace", "GET", "/open/workspace/ws-bob", nil, "", 403},
		{"unknown workspace", "GET", "/open/workspace/ws-nobody", nil, "", 403},
		{"workspace id dot-dot", "GET", "/open/workspace/..", nil, "", 403},
		{"own workspace (accepted)", "GET", "/open/workspace/ws-alice", nil, "", 200},
		{"config with a garbage key (accepted)", "GET", "/open/global/config", auth("Bearer garbage"), "", 200},
		// Query strings.
		{"limit 0", "GET", keysPath + "?limit=0", nil, "", 400},
		{"limit 101", "GET", keysPath + "?limit=101", nil, "", 400},
		{"limit negative", "GET", keysPath + "?limit=-1", nil, "", 400},
		{"limit not a number", "GET", keysPath + "?limit=abc", nil, "", 400},
		{"limit fractional", "GET", keysPath + "?limit=1.5", nil, "", 400},
		{"limit exponent", "GET", keysPath + "?limit=1e2", nil, "", 400},
		{"limit huge", "GET", keysPath + "?limit=99999999999999999999", nil, "", 400},
		{"cursor garbage", "GET", keysPath + "?cursor=garbage", nil, "", 400},
		{"cursor 2 KiB", "GET", keysPath + "?cursor=" + strings.Repeat("A", 2<<10), nil, "", 400},
		{"another user's cursor", "GET", keysPath + "?cursor=" + k.bobCursor, nil, "", 400},
		{"limit 100 and unknown parameter (accepted)", "GET", keysPath + "?limit=100&foo=bar", nil, "", 200},
		// Bodies.
		{"create without body", "POST", keysPath, nil, "", 415},
		{"create with empty JSON body", "POST", keysPath, withCT("application/json"), " ", 400},
		{"create as text/plain", "POST", keysPath, withCT("text/plain"), `{"name":"x"}`, 415},
		{"create as form", "POST", keysPath, withCT("application/x-www-form-urlencoded"), `name=x`, 415},
		{"create truncated JSON", "POST", keysPath, nil, `{"name":`, 400},
		{"create JSON array", "POST", keysPath, nil, `[]`, 400},
		{"create JSON null", "POST", keysPath, nil, `null`, 400},
		{"create JSON string", "POST", keysPath, nil, `"name"`, 400},
		{"create two JSON values", "POST", keysPath, nil, `{"name":"a"}{"name":"b"}`, 400},
		{"create unknown field", "POST", keysPath, nil, `{"name":"a","admin":true}`, 400},
		{"create without name", "POST", keysPath, nil, `{}`, 400},
		{"create empty name", "POST", keysPath, nil, `{"name":""}`, 400},
		{"create blank name", "POST", keysPath, nil, `{"name":"   "}`, 400},
		{"create name 101 chars", "POST", keysPath, nil, `{"name":"` + long + `"}`, 400},
		{"create name with NUL", "POST", keysPath, nil, `{"name":"a\u0000b"}`, 400},
		{"create name with newline", "POST", keysPath, nil, `{"name":"a\nb"}`, 400},
		{"create name a number", "POST", keysPath, nil, `{"name":5}`, 400},
		{"create unknown scope", "POST", keysPath, nil, `{"name":"a","scopes":["superuser"]}`, 400},
		{"create empty scopes", "POST", keysPath, nil, `{"name":"a","scopes":[]}`, 400},
		{"create scopes a string", "POST", keysPath, nil, `{"name":"a","scopes":"read"}`, 400},
		{"create expiresAt not a date", "POST", keysPath, nil, `{"name":"a","expiresAt":"tomorrow"}`, 400},
		{"create expiresAt in the past", "POST", keysPath, nil, `{"name":"a","expiresAt":"2001-01-01T00:00:00Z"}`, 400},
		{"create expiresAt in 10 years", "POST", keysPath, nil, `{"name":"a","expiresAt":"` + time.Now().AddDate(10, 0, 0).UTC().Format(time.RFC3339) + `"}`, 400},
		{"create body over 64 KiB", "POST", keysPath, nil, big, 413},
		{"rename without name", "PATCH", one, nil, `{}`, 400},
		{"rename unknown field", "PATCH", one, nil, `{"name":"a","scopes":["admin"]}`, 400},
		{"rename as text/plain", "PATCH", one, withCT("text/plain"), `{"name":"a"}`, 415},
		{"rotate negative grace", "POST", rot, nil, `{"gracePeriodSeconds":-1}`, 400},
		{"rotate grace over 7 days", "POST", rot, nil, `{"gracePeriodSeconds":604801}`, 400},
		{"rotate grace a string", "POST", rot, nil, `{"gracePeriodSeconds":"60"}`, 400},
		{"rotate unknown field", "POST", rot, nil, `{"name":"x"}`, 400},
		{"rotate unknown key", "POST", keysPath + "/AAAAAAAAAAAAAAAA/rotate", nil, `{}`, 404},
	}
}

// TestBadInputCorpus sends every case through the gateway with the
// authorizer cache off and checks its documented status and envelope, and
// that the table holds exactly what it held before (usage counters aside).
func TestBadInputCorpus(t *testing.T) {
	e := newEnv(t, Options{CacheTTL: -1})
	k := seedCorpus(t, e)
	cases := corpus(e, k)
	if len(cases) < 60 {
		t.Fatalf("corpus: got %d cases, want at least 60", len(cases))
	}
	before := e.snapshot(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := c.header
			if h == nil {
				h = bearer(e.alice.Token)
			}
			h = h.Clone()
			if c.body != "" && h.Get("Content-Type") == "" {
				h.Set("Content-Type", "application/json")
			}
			r := e.doHeader(t, c.method, c.path, h, c.body)
			if r.Status != c.status {
				t.Errorf("%s %.80s: got status %d, want %d (body %s)", c.method, c.path, r.Status, c.status, truncate(r.Body))
			}
			if r.Status >= 300 {
				if got, want := errorCode(t, r.Body), codeOf[c.status]; got != want {
					t.Errorf("got code %q, want %q", got, want)
				}
			}
		})
	}
	sameSnapshot(t, before, e.snapshot(t))
}
