package apikeys_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"keygate/dev/testkit/fntest"
	"keygate/dev/testkit/testlog"
	"keygate/shared/apikey"
	"keygate/shared/apperr"
	"keygate/shared/keys"
)

func TestCreate(t *testing.T) {
	e := newEnv(t)
	future := e.now.Add(48 * time.Hour).Format(time.RFC3339)
	tests := []struct {
		name       string
		body       string
		wantName   string
		wantScopes []keys.Scope
		wantExpiry bool
	}{
		{"name only inherits the caller's scopes", `{"name":"ci"}`, "ci", keys.AllScopes, false},
		{"trimmed name, explicit scopes", `{"name":"  deploy bot  ","scopes":["write","read"]}`, "deploy bot", []keys.Scope{keys.ScopeRead, keys.ScopeWrite}, false},
		{"with expiry", `{"name":"temp","expiresAt":"` + future + `"}`, "temp", keys.AllScopes, true},
		{"null optionals", `{"name":"n","scopes":null,"expiresAt":null}`, "n", keys.AllScopes, false},
		{"unicode name", `{"name":"clé 🔑 ключ"}`, "clé 🔑 ключ", keys.AllScopes, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := e.create(t, alice, tt.body)
			if k.Name != tt.wantName {
				t.Errorf("name: got %q, want %q", k.Name, tt.wantName)
			}
			if !slices.Equal(k.Scopes, tt.wantScopes) {
				t.Errorf("scopes: got %v, want %v", k.Scopes, tt.wantScopes)
			}
			if (k.ExpiresAt != nil) != tt.wantExpiry {
				t.Errorf("expiresAt: got %v, want set=%v", k.ExpiresAt, tt.wantExpiry)
			}
			id, err := apikey.Parse(k.APIKey, "sk")
			if err != nil || id != k.ID {
				t.Fatalf("token: Parse got %q, %v; want id %s", id, err, k.ID)
			}
			if !strings.HasPrefix(k.APIKey, k.Start) || k.LastUsedAt != nil || k.UsageCount != 0 {
				t.Errorf("start/lastUsedAt/usageCount: got %q %v %d", k.Start, k.LastUsedAt, k.UsageCount)
			}
			if _, err := time.Parse(time.RFC3339, k.CreatedAt); err != nil || !strings.HasSuffix(k.CreatedAt, "Z") {
				t.Errorf("createdAt: got %q, want RFC 3339 UTC", k.CreatedAt)
			}
			stored, err := e.st.GetKey(context.Background(), alice, k.ID)
			if err != nil {
				t.Fatalf("GetKey: %v", err)
			}
			if stored.Hash != apikey.Hash(k.APIKey) {
				t.Errorf("stored hash: got %s, want the SHA-256 of the token", stored.Hash)
			}
			v, err := e.st.Verify(context.Background(), k.ID, apikey.Hash(k.APIKey), time.Now())
			if err != nil || v.Result != keys.VerifyValid {
				t.Errorf("Verify: got %v, %v; want valid", v.Result, err)
			}
		})
	}
}

func TestListPages(t *testing.T) {
	e := newEnv(t)
	var ids []string
	for i := range 5 {
		e.now = e.now.Add(time.Second)
		ids = append(ids, e.create(t, alice, fmt.Sprintf(`{"name":"k%d"}`, i)).ID)
	}
	e.create(t, bob, `{"name":"bob's"}`)
	slices.Reverse(ids)                          // newest first
	ids = append(ids, fntest.CallerKeyID(alice)) // the calling key, seeded first

	var got []string
	cursor := ""
	for page := 0; ; page++ {
		q := map[string]string{"limit": "2"}
		if cursor != "" {
			q["cursor"] = cursor
		}
		l := decode[listJSON](t, e.do(t, fntest.Request{Method: "GET", Path: "/open/apikeys", Query: q, Authorizer: as(t, alice)}), http.StatusOK)
		if len(l.Items) > 2 {
			t.Fatalf("page %d: got %d items, want at most 2", page, len(l.Items))
		}
		for _, k := range l.Items {
			got = append(got, k.ID)
			if k.APIKey != "" {
				t.Errorf("list shows a token")
			}
		}
		if l.NextCursor == nil {
			break
		}
		cursor = *l.NextCursor
		if page > 5 {
			t.Fatal("too many pages")
		}
	}
	if !slices.Equal(got, ids) {
		t.Errorf("ids: got %v, want %v", got, ids)
	}

	l := decode[listJSON](t, e.do(t, fntest.Request{Method: "GET", Path: "/open/apikeys", Authorizer: as(t, alice)}), http.StatusOK)
	if len(l.Items) != len(ids) || l.NextCursor != nil {
		t.Errorf("default page: got %d items, cursor %v; want %d, null", len(l.Items), l.NextCursor, len(ids))
	}
}

func TestGetRenameDelete(t *testing.T) {
	e := newEnv(t)
	k := e.create(t, alice, `{"name":"old","scopes":["read"]}`)
	path := "/open/apikeys/" + k.ID
	auth := as(t, alice)

	got := decode[keyJSON](t, e.do(t, fntest.Request{Method: "GET", Path: path, Authorizer: auth}), http.StatusOK)
	if got.ID != k.ID || got.Name != "old" || !slices.Equal(got.Scopes, []keys.Scope{keys.ScopeRead}) || got.APIKey != "" {
		t.Errorf("get: got %+v", got)
	}

	renamed := decode[keyJSON](t, e.do(t, fntest.Request{Method: "PATCH", Path: path, Body: `{"name":" new name "}`, Authorizer: auth}), http.StatusOK)
	if renamed.Name != "new name" || renamed.ID != k.ID {
		t.Errorf("patch: got %+v, want name %q", renamed, "new name")
	}

	resp := e.do(t, fntest.Request{Method: "DELETE", Path: path, Authorizer: auth})
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("delete: got %d, want 204 (%s)", resp.StatusCode, resp.Body)
	}
	if want := []string{fntest.RestAPIID + "/" + fntest.Stage}; !slices.Equal(e.flusher.calls, want) {
		t.Errorf("flushes: got %v, want %v", e.flusher.calls, want)
	}
	v, err := e.st.Verify(context.Background(), k.ID, apikey.Hash(k.APIKey), time.Now())
	if err != nil || v.Result != keys.VerifyNotFound {
		t.Errorf("Verify after delete: got %v, %v; want not_found", v.Result, err)
	}
	for _, m := range []string{"GET", "DELETE"} {
		fntest.AssertError(t, e.do(t, fntest.Request{Method: m, Path: path, Authorizer: auth}), 404, apperr.NotFound)
	}
}

func TestRotate(t *testing.T) {
	tests := []struct {
		name      string
		body      string
		grace     time.Duration
		oldExpiry bool
	}{
		{"no body revokes at once", "", 0, false},
		{"grace 0", `{"gracePeriodSeconds":0}`, 0, false},
		{"one hour grace", `{"gracePeriodSeconds":3600}`, time.Hour, false},
		{"grace capped by the old expiry", `{"gracePeriodSeconds":604800}`, 24 * time.Hour, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			body := `{"name":"svc","scopes":["read","write"]}`
			if tt.oldExpiry {
				body = `{"name":"svc","scopes":["read","write"],"expiresAt":"` + e.now.Add(24*time.Hour).Format(time.RFC3339Nano) + `"}`
			}
			old := e.create(t, alice, body)
			resp := e.do(t, fntest.Request{Method: "POST", Path: "/open/apikeys/" + old.ID + "/rotate", Body: tt.body, Authorizer: as(t, alice)})
			k := decode[keyJSON](t, resp, http.StatusCreated)
			if k.ID == old.ID || k.APIKey == old.APIKey || k.Name != "svc" || !slices.Equal(k.Scopes, old.Scopes) {
				t.Errorf("new key: got %+v, want a new id and token with name svc, scopes %v", k, old.Scopes)
			}
			if (k.ExpiresAt == nil) != (old.ExpiresAt == nil) {
				t.Errorf("new expiresAt: got %v, want the old key's %v", k.ExpiresAt, old.ExpiresAt)
			}
			if e.flusher.count() != 1 {
				t.Errorf("flushes: got %d, want 1", e.flusher.count())
			}
			ctx := context.Background()
			if v, _ := e.st.Verify(ctx, k.ID, apikey.Hash(k.APIKey), time.Now()); v.Result != keys.VerifyValid {
				t.Errorf("new key: got %v, want valid", v.Result)
			}
			stored, err := e.st.GetKey(ctx, alice, old.ID)
			if tt.grace == 0 {
				if !apperr.Is(err, apperr.NotFound) {
					t.Errorf("old key: got %v, want deleted", err)
				}
				return
			}
			if err != nil || stored.ExpiresAt == nil || !stored.ExpiresAt.Equal(e.now.Add(tt.grace)) {
				t.Errorf("old key expiresAt: got %v (%v), want %v", stored.ExpiresAt, err, e.now.Add(tt.grace))
			}
		})
	}
}

func TestRotateExpiredKeyConflict(t *testing.T) {
	e := newEnv(t)
	old := e.create(t, alice, `{"name":"x","expiresAt":"`+e.now.Add(time.Minute).Format(time.RFC3339)+`"}`)
	e.now = e.now.Add(2 * time.Minute)
	before := fntest.Snapshot(t, e.client, e.table)
	resp := e.do(t, fntest.Request{Method: "POST", Path: "/open/apikeys/" + old.ID + "/rotate", Authorizer: as(t, alice)})
	fntest.AssertError(t, resp, 409, apperr.Conflict)
	if after := fntest.Snapshot(t, e.client, e.table); !slices.Equal(before, after) {
		t.Errorf("table changed")
	}
}

func TestRotateReplacedKeyConflict(t *testing.T) {
	e := newEnv(t)
	old := e.create(t, alice, `{"name":"svc"}`)
	first := e.do(t, fntest.Request{Method: "POST", Path: "/open/apikeys/" + old.ID + "/rotate", Body: `{"gracePeriodSeconds":3600}`, Authorizer: as(t, alice)})
	decode[keyJSON](t, first, http.StatusCreated)
	before := fntest.Snapshot(t, e.client, e.table)
	for _, body := range []string{"", `{"gracePeriodSeconds":3600}`} {
		resp := e.do(t, fntest.Request{Method: "POST", Path: "/open/apikeys/" + old.ID + "/rotate", Body: body, Authorizer: as(t, alice)})
		fntest.AssertError(t, resp, 409, apperr.Conflict)
	}
	if after := fntest.Snapshot(t, e.client, e.table); !slices.Equal(before, after) {
		t.Errorf("table changed by a refused second rotation")
	}
}

func TestAdminScopeRequired(t *testing.T) {
	e := newEnv(t)
	k := e.create(t, alice, `{"name":"target"}`)
	before := fntest.Snapshot(t, e.client, e.table)
	for _, scopes := range [][]keys.Scope{{keys.ScopeRead}, {keys.ScopeRead, keys.ScopeWrite}, {}} {
		auth := as(t, alice, scopes...)
		if len(scopes) == 0 {
			auth = fntest.Authorizer(t, alice, "k", nil)
		}
		for _, r := range []fntest.Request{
			{Method: "POST", Path: "/open/apikeys", Body: `{"name":"x"}`},
			{Method: "GET", Path: "/open/apikeys"},
			{Method: "GET", Path: "/open/apikeys/" + k.ID},
			{Method: "PATCH", Path: "/open/apikeys/" + k.ID, Body: `{"name":"x"}`},
			{Method: "DELETE", Path: "/open/apikeys/" + k.ID},
			{Method: "POST", Path: "/open/apikeys/" + k.ID + "/rotate"},
			{Method: "GET", Path: "/open/audit"},
		} {
			t.Run(fmt.Sprintf("%v %s %s", scopes, r.Method, r.Path), func(t *testing.T) {
				r.Authorizer = auth
				fntest.AssertError(t, e.do(t, r), 403, apperr.Forbidden)
			})
		}
	}
	if after := fntest.Snapshot(t, e.client, e.table); !slices.Equal(before, after) {
		t.Errorf("table changed")
	}
	if e.flusher.count() != 0 {
		t.Errorf("flushes: got %d, want 0", e.flusher.count())
	}
}

func TestNoScopeEscalation(t *testing.T) {
	e := newEnv(t)
	wide := e.create(t, alice, `{"name":"wide","scopes":["write"]}`)
	narrow := as(t, alice, keys.ScopeRead, keys.ScopeAdmin)
	before := fntest.Snapshot(t, e.client, e.table)
	for _, r := range []fntest.Request{
		{Method: "POST", Path: "/open/apikeys", Body: `{"name":"x","scopes":["write"]}`},
		{Method: "POST", Path: "/open/apikeys", Body: `{"name":"x","scopes":["read","write","admin"]}`},
		{Method: "POST", Path: "/open/apikeys/" + wide.ID + "/rotate"},
	} {
		r.Authorizer = narrow
		fntest.AssertError(t, e.do(t, r), 403, apperr.Forbidden)
	}
	if after := fntest.Snapshot(t, e.client, e.table); !slices.Equal(before, after) {
		t.Errorf("table changed")
	}
	k := decode[keyJSON](t, e.do(t, fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `{"name":"inherits"}`, Authorizer: narrow}), 201)
	if !slices.Equal(k.Scopes, []keys.Scope{keys.ScopeRead, keys.ScopeAdmin}) {
		t.Errorf("inherited scopes: got %v, want [read admin]", k.Scopes)
	}
}

func TestFlushFailureStillRevokes(t *testing.T) {
	e := newEnv(t)
	e.flusher.err = errFlush
	k := e.create(t, alice, `{"name":"x"}`)
	resp := e.do(t, fntest.Request{Method: "DELETE", Path: "/open/apikeys/" + k.ID, Authorizer: as(t, alice)})
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("delete: got %d, want 204", resp.StatusCode)
	}
	if v, _ := e.st.Verify(context.Background(), k.ID, apikey.Hash(k.APIKey), time.Now()); v.Result != keys.VerifyNotFound {
		t.Errorf("Verify: got %v, want not_found", v.Result)
	}
	if !strings.Contains(e.logs.String(), "authorizer cache flush failed") || !strings.Contains(e.logs.String(), `"level":"ERROR"`) {
		t.Errorf("flush failure not logged at error level: %s", e.logs.String())
	}
	r := decode[keyJSON](t, e.do(t, fntest.Request{Method: "POST", Path: "/open/apikeys/" + e.create(t, alice, `{"name":"y"}`).ID + "/rotate", Authorizer: as(t, alice)}), 201)
	if r.APIKey == "" {
		t.Errorf("rotate lost the new token on flush failure")
	}
}

func TestMissingAuthorizerContextIs500(t *testing.T) {
	e := newEnv(t)
	for _, auth := range []map[string]interface{}{nil, {"principalId": "x"}, {"userId": "a b", "keyId": "k", "scopes": "admin", "workspaces": ""}} {
		resp := e.do(t, fntest.Request{Method: "GET", Path: "/open/apikeys", Authorizer: auth})
		fntest.AssertError(t, resp, 500, apperr.Internal)
		if got := fntest.ErrorOf(t, resp).Message; got != "Internal server error" {
			t.Errorf("message: got %q, want the generic one", got)
		}
	}
}

func TestTokenNeverLeaks(t *testing.T) {
	e := newEnv(t)
	k := e.create(t, alice, `{"name":"secret holder"}`)
	rot := e.create(t, alice, `{"name":"to rotate"}`)
	e.bodies = nil
	auth := as(t, alice)
	for _, r := range []fntest.Request{
		{Method: "GET", Path: "/open/apikeys"},
		{Method: "GET", Path: "/open/apikeys", Query: map[string]string{"limit": "1"}},
		{Method: "GET", Path: "/open/apikeys/" + k.ID},
		{Method: "PATCH", Path: "/open/apikeys/" + k.ID, Body: `{"name":"renamed"}`},
		{Method: "POST", Path: "/open/apikeys/" + rot.ID + "/rotate"},
		{Method: "POST", Path: "/open/apikeys", Body: `{"name":"bad","extra":1}`},
		{Method: "DELETE", Path: "/open/apikeys/" + k.ID},
		{Method: "GET", Path: "/open/apikeys/" + k.ID},
	} {
		r.Authorizer = auth
		e.do(t, r)
	}
	logs := e.logs.String()
	for _, secret := range []string{k.APIKey, apikey.Hash(k.APIKey), rot.APIKey, apikey.Hash(rot.APIKey)} {
		for i, b := range e.bodies {
			if strings.Contains(b, secret) {
				t.Errorf("response %d contains a token or its hash: %s", i, b)
			}
		}
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain a token or its hash")
		}
	}
	if !strings.Contains(logs, `"msg":"request"`) {
		t.Errorf("no request log lines captured: %q", logs)
	}
}

// TestDeleteFlushesTwiceWithTheCacheOn: an authorization that passed its key
// check just before the delete may be cached after the first flush; the
// second flush, ReflushAfter later, removes it.
func TestDeleteFlushesTwiceWithTheCacheOn(t *testing.T) {
	e := newEnv(t)
	logger, _ := testlog.New()
	cfg := testConfig(logger, func() time.Time { return e.now })
	cfg.ReflushAfter = 10 * time.Millisecond
	e.fn = e.newFunction(t, cfg)
	k := e.create(t, alice, `{"name":"short-lived"}`)
	resp := e.do(t, fntest.Request{Method: "DELETE", Path: "/open/apikeys/" + k.ID, Authorizer: as(t, alice)})
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("delete: got %d, want 204 (%s)", resp.StatusCode, resp.Body)
	}
	want := fntest.RestAPIID + "/" + fntest.Stage
	if !slices.Equal(e.flusher.calls, []string{want, want}) {
		t.Errorf("flushes: got %v, want two of %s", e.flusher.calls, want)
	}
}
