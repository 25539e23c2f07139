package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"keygate/dev/dynamolocal"
	"keygate/shared/apikey"
	"keygate/shared/keys"
	"keygate/shared/store"
)

func TestTableCreate(t *testing.T) {
	client := dynamolocal.NewTestClient(t)
	name := fmt.Sprintf("keygate-cli-%d", time.Now().UnixNano())
	t.Cleanup(func() {
		_, _ = client.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: aws.String(name)})
	})
	e := &testEnv{vars: map[string]string{"DYNAMODB_ENDPOINT": dynamolocal.Endpoint(t)}}

	out := e.mustRun(t, "table", "create", "--table", name)
	if want := "created table " + name; !strings.Contains(out, want) {
		t.Errorf("table create: got %q, want it to contain %q", out, want)
	}
	desc, err := client.DescribeTable(context.Background(), &dynamodb.DescribeTableInput{TableName: aws.String(name)})
	if err != nil {
		t.Fatalf("describe table: %v", err)
	}
	if got := len(desc.Table.GlobalSecondaryIndexes); got != 1 || *desc.Table.GlobalSecondaryIndexes[0].IndexName != store.GSI1Name {
		t.Errorf("table indexes: got %d, want one named %s", got, store.GSI1Name)
	}

	r := e.run(t, "--table", name, "table", "create")
	if r.code == 0 || !strings.Contains(r.stderr, "already exists") {
		t.Errorf("second table create: got exit %d, stderr %q, want non-zero and \"already exists\"", r.code, r.stderr)
	}

	var got struct {
		Table   string `json:"table"`
		Created bool   `json:"created"`
	}
	e.mustRunJSON(t, &got, "table", "create", "--if-not-exists", "--table", name)
	if got.Table != name || got.Created {
		t.Errorf("table create --if-not-exists: got %+v, want table %s, created false", got, name)
	}
}

func TestUserCommands(t *testing.T) {
	e := newTestEnv(t)
	out := e.mustRun(t, "user", "put", "u1", "--name", "Alice", "--email", "alice@example.com")
	for _, want := range []string{"u1", "Alice", "alice@example.com", "false"} {
		if !strings.Contains(out, want) {
			t.Errorf("user put: got %q, want it to contain %q", out, want)
		}
	}

	var u userView
	e.mustRunJSON(t, &u, "user", "get", "u1")
	if u.ID != "u1" || u.Name != "Alice" || u.Email != "alice@example.com" || u.Disabled {
		t.Errorf("user get: got %+v, want u1 Alice alice@example.com enabled", u)
	}
	if _, err := time.Parse(time.RFC3339, u.CreatedAt); err != nil {
		t.Errorf("user get: createdAt %q: %v", u.CreatedAt, err)
	}

	// Flags left out keep their values.
	var updated userView
	e.mustRunJSON(t, &updated, "user", "put", "u1", "--email", "a@example.org")
	if want := (userView{ID: "u1", Name: "Alice", Email: "a@example.org", CreatedAt: u.CreatedAt}); updated != want {
		t.Errorf("user put --email: got %+v, want %+v", updated, want)
	}

	var disabled userView
	e.mustRunJSON(t, &disabled, "user", "disable", "u1")
	if !disabled.Disabled {
		t.Errorf("user disable: got disabled false, want true")
	}
	e.mustRunJSON(t, &disabled, "user", "put", "u1", "--name", "Alice B")
	if !disabled.Disabled || disabled.Name != "Alice B" {
		t.Errorf("user put on a disabled user: got %+v, want name Alice B, still disabled", disabled)
	}
	var enabled userView
	e.mustRunJSON(t, &enabled, "user", "enable", "u1")
	if enabled.Disabled || enabled.Name != "Alice B" || enabled.Email != "a@example.org" {
		t.Errorf("user enable: got %+v, want Alice B, a@example.org, enabled", enabled)
	}
	for _, cmd := range []string{"disable", "enable"} {
		if r := e.run(t, "user", cmd, "nobody"); r.code != exitFailure || !strings.Contains(r.stderr, "user nobody not found") {
			t.Errorf("user %s nobody: got exit %d, stderr %q, want %d and \"user nobody not found\"", cmd, r.code, r.stderr, exitFailure)
		}
	}

	r := e.run(t, "user", "get", "nobody")
	if r.code != exitFailure || !strings.Contains(r.stderr, "not found") {
		t.Errorf("user get nobody: got exit %d, stderr %q, want %d and \"not found\"", r.code, r.stderr, exitFailure)
	}
}

func TestWorkspaceCommands(t *testing.T) {
	e := newTestEnv(t)
	out := e.mustRun(t, "workspace", "put", "ws1", "--name", "Marketing")
	if !strings.Contains(out, "Marketing") {
		t.Errorf("workspace put: got %q, want it to contain Marketing", out)
	}
	var w workspaceView
	e.mustRunJSON(t, &w, "workspace", "put", "ws1", "--name", "Sales")
	if w.ID != "ws1" || w.Name != "Sales" || w.CreatedAt == "" {
		t.Errorf("workspace put: got %+v, want ws1 Sales with createdAt", w)
	}
	var got workspaceView
	e.mustRunJSON(t, &got, "workspace", "get", "ws1")
	if got != w {
		t.Errorf("workspace get: got %+v, want %+v", got, w)
	}
	out = e.mustRun(t, "workspace", "get", "ws1")
	if !strings.Contains(out, "Sales") {
		t.Errorf("workspace get: got %q, want it to contain Sales", out)
	}
}

func TestMemberCommands(t *testing.T) {
	e := newTestEnv(t)
	e.seed(t)
	e.mustRun(t, "workspace", "put", "ws2")

	var m memberView
	e.mustRunJSON(t, &m, "member", "put", "u1", "ws2", "--role", "readOnly")
	if m.UserID != "u1" || m.WorkspaceID != "ws2" || m.Role != "readOnly" {
		t.Errorf("member put: got %+v, want u1 ws2 readOnly", m)
	}
	e.mustRunJSON(t, &m, "member", "put", "u1", "ws2", "--role", "admin")
	if m.Role != "admin" {
		t.Errorf("member put again: got role %q, want admin", m.Role)
	}

	var ls list[memberView]
	e.mustRunJSON(t, &ls, "member", "ls", "u1")
	var got []string
	for _, it := range ls.Items {
		got = append(got, it.WorkspaceID+":"+it.Role)
	}
	if want := "ws1:owner,ws2:admin"; strings.Join(got, ",") != want {
		t.Errorf("member ls: got %v, want %s", got, want)
	}
	out := e.mustRun(t, "member", "ls", "u1")
	if !strings.Contains(out, "WORKSPACE") || !strings.Contains(out, "ws2") {
		t.Errorf("member ls: got %q, want a table with ws2", out)
	}

	var rm struct {
		UserID      string `json:"userId"`
		WorkspaceID string `json:"workspaceId"`
		Removed     bool   `json:"removed"`
	}
	e.mustRunJSON(t, &rm, "member", "rm", "u1", "ws2")
	if !rm.Removed {
		t.Errorf("member rm: got %+v, want removed", rm)
	}
	e.mustRunJSON(t, &ls, "member", "ls", "u1")
	if len(ls.Items) != 1 || ls.Items[0].WorkspaceID != "ws1" {
		t.Errorf("member ls after rm: got %+v, want only ws1", ls.Items)
	}
	if r := e.run(t, "member", "rm", "u1", "ws2"); r.code != exitFailure || !strings.Contains(r.stderr, "not") {
		t.Errorf("member rm twice: got exit %d, stderr %q, want %d and a not-found line", r.code, r.stderr, exitFailure)
	}

	// Each change is in u1's audit log, once, with the operator; the
	// refused second rm and the seed's ws1 are the only others.
	var log list[eventView]
	e.mustRunJSON(t, &log, "audit", "ls", "u1")
	var got2 []string
	for _, ev := range log.Items {
		role, _ := json.Marshal(ev.Changes["role"])
		got2 = append(got2, ev.Type+" "+fmt.Sprint(ev.Changes["workspaceId"])+" "+string(role))
		if ev.Actor.Operator == nil || ev.Actor.KeyID != nil || ev.KeyID != nil || ev.Actor.UserAgent != "keygate-cli" {
			t.Errorf("%s: got actor %+v key %v, want the operator and no key", ev.Type, ev.Actor, ev.KeyID)
		}
	}
	// Sorted: two commands may fall in one millisecond, which orders
	// their events by id.
	slices.Sort(got2)
	want := []string{
		`membership.added ws1 "owner"`,
		`membership.added ws2 "readOnly"`,
		`membership.removed ws2 "admin"`,
		`membership.updated ws2 {"from":"readOnly","to":"admin"}`,
	}
	if strings.Join(got2, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit ls: got\n%s\nwant\n%s", strings.Join(got2, "\n"), strings.Join(want, "\n"))
	}
}

func TestKeyCommands(t *testing.T) {
	e := newTestEnv(t)
	e.seed(t)

	var k keyView
	e.mustRunJSON(t, &k, "key", "create", "u1", "--name", "ci", "--scopes", "write,read", "--expires", "30d")
	id, err := apikey.Parse(k.APIKey, apikey.DefaultPrefix)
	if err != nil {
		t.Fatalf("key create: token does not parse: %v", err)
	}
	if id != k.ID || k.UserID != "u1" || k.Name != "ci" || k.Start != "sk_"+id[:8] {
		t.Errorf("key create: got %+v, want id %s, user u1, name ci, start sk_%s", k, id, id[:8])
	}
	if got := scopesText(k.Scopes); got != "read,write" {
		t.Errorf("key create: got scopes %s, want read,write", got)
	}
	if k.ExpiresAt == nil {
		t.Fatalf("key create --expires 30d: got expiresAt null")
	}
	exp, err := time.Parse(time.RFC3339, *k.ExpiresAt)
	if d := time.Until(exp); err != nil || d < 29*24*time.Hour || d > 30*24*time.Hour {
		t.Errorf("key create --expires 30d: got expiresAt %s (%v), want 30 days from now", *k.ExpiresAt, err)
	}

	// The table holds the hash, never the token or its secret.
	items := strings.Join(e.scan(t), "\n")
	secret := k.APIKey[len("sk_")+16:]
	if strings.Contains(items, k.APIKey) || strings.Contains(items, secret) || strings.Contains(items, secret[:12]) {
		t.Errorf("table scan contains the token or its secret")
	}
	if !strings.Contains(items, apikey.Hash(k.APIKey)) {
		t.Errorf("table scan: want the token's hash in the key item")
	}

	token := strings.TrimSpace(e.mustRun(t, "key", "create", "u1", "--name", "deploy", "--quiet"))
	if _, err := apikey.Parse(token, apikey.DefaultPrefix); err != nil {
		t.Errorf("key create --quiet: got %q, want only a token (%v)", token, err)
	}
	// The API's precision: an expiry keeps its milliseconds.
	expires := time.Now().UTC().AddDate(1, 0, 0).Truncate(time.Second).Add(123 * time.Millisecond).Format(time.RFC3339Nano)
	out := e.mustRun(t, "key", "create", "u1", "--name", "text", "--prefix", "tj", "--expires", expires)
	for _, want := range []string{"tj_", "read,write,admin", expires, "only time"} {
		if !strings.Contains(out, want) {
			t.Errorf("key create: got %q, want it to contain %q", out, want)
		}
	}

	var ls list[keyView]
	e.mustRunJSON(t, &ls, "key", "ls", "u1")
	var names []string
	for _, it := range ls.Items {
		if it.APIKey != "" {
			t.Errorf("key ls: item %s shows a token", it.ID)
		}
		names = append(names, it.Name)
	}
	if got := strings.Join(names, ","); got != "text,deploy,ci" {
		t.Errorf("key ls: got names %s, want text,deploy,ci (newest first)", got)
	}
	e.mustRunJSON(t, &ls, "key", "ls", "u1", "--limit", "2")
	if len(ls.Items) != 2 {
		t.Errorf("key ls --limit 2: got %d keys, want 2", len(ls.Items))
	}
	out = e.mustRun(t, "key", "ls", "u1")
	if !strings.Contains(out, "LAST USED") || !strings.Contains(out, k.Start) || strings.Contains(out, k.APIKey) {
		t.Errorf("key ls: got %q, want a table with %s and no token", out, k.Start)
	}

	var rv struct {
		ID      string `json:"id"`
		UserID  string `json:"userId"`
		Revoked bool   `json:"revoked"`
		Flush   string `json:"cacheFlush"`
	}
	e.mustRunJSON(t, &rv, "key", "revoke", "u1", k.ID)
	if !rv.Revoked || rv.ID != k.ID || rv.Flush != "skipped" {
		t.Errorf("key revoke: got %+v, want %s revoked, cache flush skipped (no stage given)", rv, k.ID)
	}
	st := store.New(e.client, e.table)
	if v, err := st.Verify(context.Background(), k.ID, apikey.Hash(k.APIKey), time.Now()); err != nil || v.Result != keys.VerifyNotFound {
		t.Errorf("verify a revoked key: got %v, %v, want not_found", v.Result, err)
	}
	e.mustRunJSON(t, &ls, "key", "ls", "u1")
	if len(ls.Items) != 2 {
		t.Errorf("key ls after revoke: got %d keys, want 2", len(ls.Items))
	}
	if r := e.run(t, "key", "revoke", "u1", k.ID); r.code != exitFailure {
		t.Errorf("key revoke twice: got exit %d, want %d", r.code, exitFailure)
	}
}

func TestHelp(t *testing.T) {
	e := &testEnv{vars: map[string]string{}}
	cases := [][]string{{"--help"}, {"-h"}, {"help"}}
	for _, g := range groups {
		cases = append(cases, []string{g.name, "--help"}, []string{"help", g.name})
		for _, cmd := range g.commands {
			cases = append(cases, []string{g.name, cmd.name, "--help"}, []string{"help", g.name, cmd.name})
		}
	}
	for _, args := range cases {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			r := e.run(t, args...)
			if r.code != exitOK || r.stderr != "" {
				t.Errorf("got exit %d, stderr %q, want 0 and none", r.code, r.stderr)
			}
			if !strings.Contains(r.stdout, "Usage: keygate") {
				t.Errorf("got stdout %q, want usage", r.stdout)
			}
		})
	}
}
