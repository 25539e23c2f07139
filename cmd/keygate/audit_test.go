package main

import (
	"strings"
	"testing"
)

// eventView is an audit event as `audit ls --json` documents it (the API's
// shape), decoded independently of the encoder.
type eventView struct {
	ID        string         `json:"id"`
	Type      string         `json:"type"`
	CreatedAt string         `json:"createdAt"`
	UserID    string         `json:"userId"`
	KeyID     *string        `json:"keyId"`
	Changes   map[string]any `json:"changes"`
	Actor     struct {
		KeyID     *string `json:"keyId"`
		Operator  *string `json:"operator"`
		SourceIP  string  `json:"sourceIp"`
		UserAgent string  `json:"userAgent"`
		RequestID string  `json:"requestId"`
	} `json:"actor"`
}

// TestKeyUpdateAndAudit: the CLI's changes are audited with the operator
// named by --actor, key update changes name and allowlist, and audit ls
// lists and filters the log.
func TestKeyUpdateAndAudit(t *testing.T) {
	e := newTestEnv(t)
	e.seed(t)
	var k keyView
	e.mustRunJSON(t, &k, "key", "create", "u1", "--name", "ci", "--allow", "203.0.113.0/24, 198.51.100.7", "--actor", "alice-ops")
	if got := strings.Join(k.AllowedCIDRs, ","); got != "198.51.100.7/32,203.0.113.0/24" {
		t.Errorf("key create --allow: got %s, want the canonical, sorted list", got)
	}
	var u keyView
	e.mustRunJSON(t, &u, "key", "update", "u1", k.ID, "--name", "ci 2", "--allow-any", "--actor", "alice-ops")
	if u.Name != "ci 2" || u.AllowedCIDRs != nil {
		t.Errorf("key update: got %+v, want renamed and no allowlist", u)
	}
	e.mustRun(t, "key", "revoke", "u1", k.ID, "--actor", "bob-ops")

	var log list[eventView]
	e.mustRunJSON(t, &log, "audit", "ls", "u1")
	var types, actors []string
	for _, ev := range log.Items {
		types = append(types, ev.Type)
		if ev.Type == "membership.added" { // the seed's: TestMemberCommands checks it
			continue
		}
		if ev.Actor.Operator == nil || ev.Actor.KeyID != nil || ev.KeyID == nil || *ev.KeyID != k.ID {
			t.Errorf("%s: got actor %+v key %v, want an operator and key %s", ev.Type, ev.Actor, ev.KeyID, k.ID)
			continue
		}
		actors = append(actors, *ev.Actor.Operator)
	}
	if strings.Join(types, ",") != "key.revoked,key.updated,key.created,membership.added" {
		t.Errorf("audit ls: got %v, want revoked, updated, created and the seed's membership.added (newest first)", types)
	}
	if strings.Join(actors, ",") != "bob-ops,alice-ops,alice-ops" {
		t.Errorf("audit ls actors: got %v", actors)
	}
	e.mustRunJSON(t, &log, "audit", "ls", "u1", "--type", "key.updated")
	if len(log.Items) != 1 || log.Items[0].Changes["name"] == nil {
		t.Errorf("audit ls --type key.updated: got %+v, want the rename", log.Items)
	}
	if out := e.mustRun(t, "audit", "ls", "u1", "--key", k.ID, "--limit", "1"); !strings.Contains(out, "key.revoked") || strings.Contains(out, "key.created") {
		t.Errorf("audit ls --key --limit 1: got %q, want only the newest event", out)
	}
	for _, args := range [][]string{
		{"key", "update", "u1", k.ID},
		{"key", "update", "u1", k.ID, "--allow", "10.1.2.3/8"},
		{"key", "update", "u1", k.ID, "--allow", "10.0.0.0/8", "--allow-any"},
		{"audit", "ls", "u1", "--type", "key.deleted"},
	} {
		if r := e.run(t, args...); r.code != exitUsage {
			t.Errorf("%v: got exit %d (%s), want %d", args, r.code, r.stderr, exitUsage)
		}
	}
}
