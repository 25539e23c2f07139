package apikeys_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"keygate/dev/testkit/fntest"
	"keygate/shared/apikey"
	"keygate/shared/apperr"
)

// eventJSON mirrors the documented audit event shape.
type eventJSON struct {
	ID        string `json:"id"`
	Type      string `json:"type"`
	CreatedAt string `json:"createdAt"`
	UserID    string `json:"userId"`
	Actor     struct {
		KeyID     *string `json:"keyId"`
		Operator  *string `json:"operator"`
		SourceIP  string  `json:"sourceIp"`
		UserAgent string  `json:"userAgent"`
		RequestID string  `json:"requestId"`
	} `json:"actor"`
	KeyID   *string        `json:"keyId"`
	Changes map[string]any `json:"changes"`
}

type eventListJSON struct {
	Items      []eventJSON `json:"items"`
	NextCursor *string     `json:"nextCursor"`
}

func TestAllowlistThroughTheAPI(t *testing.T) {
	e := newEnv(t)
	k := e.create(t, alice, `{"name":"office","allowedCidrs":["203.0.113.0/24","2001:db8::1"]}`)
	if want := []string{"203.0.113.0/24", "2001:db8::1/128"}; !slices.Equal(k.AllowedCIDRs, want) {
		t.Fatalf("create: got %v, want %v", k.AllowedCIDRs, want)
	}
	path := "/open/apikeys/" + k.ID
	patch := func(body string) keyJSON {
		return decode[keyJSON](t, e.do(t, fntest.Request{Method: "PATCH", Path: path, Body: body, Authorizer: as(t, alice)}), http.StatusOK)
	}
	if got := patch(`{"allowedCidrs":["198.51.100.0/24"]}`); !slices.Equal(got.AllowedCIDRs, []string{"198.51.100.0/24"}) || got.Name != "office" {
		t.Errorf("patch allowlist: got %+v", got)
	}
	if got := patch(`{"name":"renamed"}`); !slices.Equal(got.AllowedCIDRs, []string{"198.51.100.0/24"}) || got.Name != "renamed" {
		t.Errorf("patch name only: got %+v, want the allowlist kept", got)
	}
	if got := patch(`{"allowedCidrs":null}`); got.AllowedCIDRs != nil {
		t.Errorf("patch null: got %v, want no allowlist", got.AllowedCIDRs)
	}
	before := fntest.Snapshot(t, e.client, e.table)
	for _, body := range []string{
		`{"allowedCidrs":[]}`, `{"allowedCidrs":["10.1.2.3/8"]}`, `{"allowedCidrs":["nope"]}`,
		`{"allowedCidrs":"10.0.0.0/8"}`, `{}`, `{"allowedCIDRs":["10.0.0.0/8"]}`,
		`{"allowedCidrs":["10.0.0.0/8"],"allowedCidrs":null}`,
	} {
		fntest.AssertError(t, e.do(t, fntest.Request{Method: "PATCH", Path: path, Body: body, Authorizer: as(t, alice)}), 400, apperr.BadRequest)
	}
	fntest.AssertError(t, e.do(t, fntest.Request{Method: "POST", Path: "/open/apikeys", Body: `{"name":"x","allowedCidrs":["::ffff:10.0.0.0/104"]}`, Authorizer: as(t, alice)}), 400, apperr.BadRequest)
	if after := fntest.Snapshot(t, e.client, e.table); !slices.Equal(before, after) {
		t.Errorf("table changed by refused requests")
	}
}

func TestAuditThroughTheAPI(t *testing.T) {
	e := newEnv(t)
	k := e.create(t, alice, `{"name":"ci"}`)
	e.do(t, fntest.Request{Method: "PATCH", Path: "/open/apikeys/" + k.ID, Body: `{"name":"ci 2"}`, Authorizer: as(t, alice)})
	rot := decode[keyJSON](t, e.do(t, fntest.Request{Method: "POST", Path: "/open/apikeys/" + k.ID + "/rotate", Authorizer: as(t, alice)}), 201)
	e.do(t, fntest.Request{Method: "DELETE", Path: "/open/apikeys/" + rot.ID, Authorizer: as(t, alice)})
	bob := e.create(t, bob, `{"name":"bob's"}`)

	l := decode[eventListJSON](t, e.do(t, fntest.Request{Method: "GET", Path: "/open/audit", Authorizer: as(t, alice)}), 200)
	var types []string
	for _, ev := range l.Items {
		types = append(types, ev.Type)
		if ev.UserID != alice || ev.Actor.KeyID == nil || *ev.Actor.KeyID != fntest.CallerKeyID(alice) || ev.Actor.Operator != nil {
			t.Errorf("%s: got user %s actor %+v, want alice's calling key", ev.Type, ev.UserID, ev.Actor)
		}
		if ev.Actor.SourceIP == "" || ev.Actor.RequestID == "" {
			t.Errorf("%s: got actor %+v, want the request's source address and id", ev.Type, ev.Actor)
		}
	}
	// The changes in any order within a millisecond (the ids tell them
	// apart): two creations (ci, and its rotation's successor), an update,
	// a rotation and a revocation.
	slices.Sort(types)
	if want := []string{"key.created", "key.created", "key.revoked", "key.rotated", "key.updated"}; !slices.Equal(types, want) {
		t.Errorf("events: got %v, want %v (bob's key is not alice's)", types, want)
	}
	byKey := decode[eventListJSON](t, e.do(t, fntest.Request{Method: "GET", Path: "/open/audit", Query: map[string]string{"keyId": rot.ID}, Authorizer: as(t, alice)}), 200)
	var rotTypes []string
	for _, ev := range byKey.Items {
		rotTypes = append(rotTypes, ev.Type)
	}
	slices.Sort(rotTypes)
	if want := []string{"key.created", "key.revoked"}; !slices.Equal(rotTypes, want) {
		t.Errorf("events of %s: got %v, want its creation by rotation and its revocation", rot.ID, rotTypes)
	}
	for _, ev := range byKey.Items {
		if ev.Type == "key.created" && ev.Changes["rotatedFrom"] != k.ID {
			t.Errorf("%s's key.created: got changes %v, want rotatedFrom %s", rot.ID, ev.Changes, k.ID)
		}
	}
	typed := decode[eventListJSON](t, e.do(t, fntest.Request{Method: "GET", Path: "/open/audit", Query: map[string]string{"type": "key.rotated"}, Authorizer: as(t, alice)}), 200)
	if len(typed.Items) != 1 || typed.Items[0].Changes["newKeyId"] != rot.ID {
		t.Errorf("rotations: got %+v, want one naming %s", typed.Items, rot.ID)
	}
	for _, q := range []map[string]string{{"type": "key.deleted"}, {"keyId": "a b"}, {"limit": "0"}, {"cursor": "garbage"}} {
		fntest.AssertError(t, e.do(t, fntest.Request{Method: "GET", Path: "/open/audit", Query: q, Authorizer: as(t, alice)}), 400, apperr.BadRequest)
	}
	// No event, stored or served, holds a token or its hash.
	all := strings.Join(fntest.Snapshot(t, e.client, e.table), "\n")
	for _, tok := range []string{k.APIKey, rot.APIKey, bob.APIKey} {
		for _, secret := range []string{tok, apikey.Hash(tok)} {
			for _, b := range e.bodies {
				if strings.Contains(b, secret) && !strings.Contains(b, `"apiKey":"`+tok+`"`) {
					t.Errorf("a response other than the token's own creation holds a secret: %s", b)
				}
			}
			for _, line := range strings.Split(all, "\n") {
				if strings.Contains(line, `"type":"event"`) && strings.Contains(line, secret) {
					t.Errorf("an audit item holds a token or hash: %s", line)
				}
			}
		}
	}
}
