package reliability

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"keygate/authorizer"
	"keygate/dev/dynamolocal"
	"keygate/dev/testkit/faults"
	"keygate/dev/testkit/testlog"
	"keygate/shared/apikey"
	"keygate/shared/apperr"
	"keygate/shared/keys"
	"keygate/shared/store"
)

// lambdaDeadline is the invocation deadline the fault tests give the
// authorizer, like a Lambda timeout. The test waits much longer (returnWait)
// only to fail instead of hanging if the authorizer ignores its deadline.
const (
	lambdaDeadline = 2 * time.Second
	returnWait     = 30 * time.Second
)

// hasAllow reports whether a policy allows anything.
func hasAllow(resp events.APIGatewayCustomAuthorizerResponse) bool {
	for _, s := range resp.PolicyDocument.Statement {
		if s.Effect == "Allow" {
			return true
		}
	}
	return false
}

// authorize calls h with a Lambda-like deadline and fails the test if it
// returns only once that deadline has passed (Lambda would have killed it
// and API Gateway answered its own timeout) or does not return at all.
func authorize(tb testing.TB, h *authorizer.Handler, token string) (events.APIGatewayCustomAuthorizerResponse, error) {
	tb.Helper()
	type result struct {
		resp   events.APIGatewayCustomAuthorizerResponse
		err    error
		ctxErr error // the invocation context's state when Handle returned
	}
	ctx, cancel := context.WithTimeout(context.Background(), lambdaDeadline)
	defer cancel()
	done := make(chan result, 1)
	go func() {
		resp, err := h.Handle(ctx, AuthorizerEvent(token))
		done <- result{resp, err, ctx.Err()}
	}()
	select {
	case r := <-done:
		if r.ctxErr != nil {
			tb.Errorf("authorizer returned after its invocation deadline (context: %v), want an answer within it", r.ctxErr)
		}
		return r.resp, r.err
	case <-time.After(returnWait):
		tb.Fatalf("authorizer did not return %v after its deadline", returnWait)
		return events.APIGatewayCustomAuthorizerResponse{}, nil
	}
}

// TestAuthorizerFailsClosedOnFaultyEndpoints points the authorizer's DynamoDB
// client at endpoints that fail in every way: it must return an error that is
// not "Unauthorized" (API Gateway answers 500), within its deadline, and
// never an Allow; through the gateway that is a 500 in the error envelope.
func TestAuthorizerFailsClosedOnFaultyEndpoints(t *testing.T) {
	key, err := apikey.Generate(apikey.DefaultPrefix)
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range faults.Kinds {
		t.Run(kind.String(), func(t *testing.T) {
			t.Parallel() // each kind has its own fault server, table and stack; most wait on deadlines
			srv := faults.New(t, kind)
			client, err := store.NewClient(t.Context(), store.ClientOptions{Endpoint: srv.URL})
			if err != nil {
				t.Fatalf("NewClient: %v", err)
			}
			logs := &testlog.Buffer{}
			h := authorizer.New(store.New(client, "keygate"), authorizer.Config{}, logs.Logger("authorizer"))

			resp, err := authorize(t, h, key.Token)
			if err == nil {
				t.Fatalf("got no error (response %+v), want an infrastructure error", resp)
			}
			if err.Error() == "Unauthorized" {
				t.Errorf("got error %q, want one that is not \"Unauthorized\" (a fault is a 500, not a 401)", err)
			}
			if hasAllow(resp) {
				t.Errorf("got an Allow policy %+v on error, want none", resp.PolicyDocument)
			}
			if kind != faults.Down {
				// The SDK's standard retryer makes at most 3 attempts.
				if got := srv.Operations()["UpdateItem"]; got < 1 || got > 3 {
					t.Errorf("UpdateItem attempts: got %d, want 1 to 3", got)
				}
				if got := srv.Operations()["Query"]; got != 0 {
					t.Errorf("Query after a failed verification: got %d calls, want 0", got)
				}
			}
			checkLogs(t, logs, Secrets(key.Token))

			// The same through the gateway: the functions use DynamoDB Local,
			// the authorizer the faulty endpoint.
			e := newEnv(t, Options{AuthorizerAPI: client, AuthorizerTimeout: lambdaDeadline})
			r := e.do(t, http.MethodGet, "/open/auth/whoami", e.alice.Token, "")
			if r.Status != http.StatusInternalServerError {
				t.Errorf("gateway: got status %d, want 500 (body %s)", r.Status, truncate(r.Body))
			}
			if got := errorCode(t, r.Body); got != "INTERNAL_SERVER_ERROR" {
				t.Errorf("gateway: got code %q, want INTERNAL_SERVER_ERROR", got)
			}
		})
	}
}

// TestAuthorizerFailsClosedOnPartialFailure lets the verification succeed
// against DynamoDB Local and fails only the read of the user's partition: the
// key is valid, but without the user's memberships there is no policy to
// give, so the answer is a 500, never an Allow.
func TestAuthorizerFailsClosedOnPartialFailure(t *testing.T) {
	for _, op := range []faults.Op{faults.OpUpdateItem, faults.OpQuery} {
		t.Run(string(op), func(t *testing.T) {
			client, table := dynamolocal.NewTestTable(t)
			alice, err := Seed(t.Context(), store.New(client, table), "alice", "")
			if err != nil {
				t.Fatalf("seed: %v", err)
			}
			api := faults.FailAll(client, faults.Before, op)
			logs := &testlog.Buffer{}
			h := authorizer.New(store.New(api, table), authorizer.Config{}, logs.Logger("authorizer"))
			resp, err := authorize(t, h, alice.Token)
			if err == nil || err.Error() == "Unauthorized" {
				t.Errorf("got error %v, want an infrastructure error", err)
			}
			if hasAllow(resp) {
				t.Errorf("got an Allow policy on error, want none")
			}
			if got := api.Failed(); got < 1 {
				t.Errorf("injected failures: got %d, want at least 1", got)
			}
			checkLogs(t, logs, alice.Secrets())
		})
	}
}

// keyWrites are the key operations that must be all or nothing: each is one
// transaction with its audit event.
var keyWrites = []struct {
	name         string
	method, path string
	body         string
	op           faults.Op // the store call that writes
}{
	{"create", http.MethodPost, "/open/apikeys", `{"name":"ci"}`, faults.OpTransactWriteItems},
	{"rotate", http.MethodPost, "/open/apikeys/%s/rotate", `{}`, faults.OpTransactWriteItems},
	{"rotate with grace", http.MethodPost, "/open/apikeys/%s/rotate", `{"gracePeriodSeconds":60}`, faults.OpTransactWriteItems},
	{"delete", http.MethodDelete, "/open/apikeys/%s", ``, faults.OpTransactWriteItems},
	{"rename", http.MethodPatch, "/open/apikeys/%s", `{"name":"renamed"}`, faults.OpTransactWriteItems},
}

// TestKeyWritesFailIn500Envelope fails the functions' DynamoDB calls before
// they reach the table — every call of the writing operation through a
// wrapper of the real client, and every call through each faulty endpoint —
// and checks that each key write answers a 5xx in the envelope. Through the
// wrapper, the reads before the write succeed, so the table is also checked
// to be unchanged (no other write happened); the faulty endpoints give the
// functions no path to the table at all, so there nothing could change.
func TestKeyWritesFailIn500Envelope(t *testing.T) {
	for _, w := range keyWrites {
		t.Run("wrapper/"+w.name, func(t *testing.T) {
			// The authorizer keeps the real client; the functions fail the
			// write (the reads before it succeed).
			client, table := dynamolocal.NewTestTable(t)
			api := faults.FailAll(client, faults.Before, w.op)
			e := newEnvOn(t, client, table, Options{API: api})
			before := e.snapshot(t)
			checkWriteFails(t, e, w.method, w.path, w.body, func() int { return api.Failed() })
			sameSnapshot(t, before, e.snapshot(t))
		})
	}
	for _, kind := range faults.Kinds {
		t.Run("endpoint/"+kind.String(), func(t *testing.T) {
			t.Parallel() // each kind has its own fault server, table and stack; most wait on deadlines
			srv := faults.New(t, kind)
			fc, err := store.NewClient(t.Context(), store.ClientOptions{Endpoint: srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			client, table := dynamolocal.NewTestTable(t)
			e := newEnvOn(t, client, table, Options{API: fc, FunctionTimeout: lambdaDeadline})
			for _, w := range keyWrites {
				t.Run(w.name, func(t *testing.T) {
					checkWriteFails(t, e, w.method, w.path, w.body, nil)
				})
			}
		})
	}
}

// lostResponses are key writes whose DynamoDB call is applied and whose
// response is then lost (faults.After), with the complete result each must
// leave if it is not rolled back: the items it removes and adds (a changed
// item counts as one of each) and a check of the keys it leaves.
var lostResponses = []struct {
	name, method, path, body string
	op                       faults.Op
	removed, added           int
	complete                 func(tb testing.TB, e *env)
}{
	{"create", http.MethodPost, "/open/apikeys", `{"name":"ci"}`, faults.OpTransactWriteItems, 0, 2,
		func(tb testing.TB, e *env) {
			checkOneEvent(tb, e, keys.EventKeyCreated)
			others := otherKeys(tb, e)
			if len(others) != 1 || others[0].Name != "ci" {
				tb.Fatalf("keys besides alice's: got %+v, want one named ci", others)
			}
			checkComplete(tb, others[0])
		}},
	{"rotate", http.MethodPost, "/open/apikeys/%s/rotate", `{}`, faults.OpTransactWriteItems, 1, 3,
		func(tb testing.TB, e *env) {
			checkEvents(tb, e, keys.EventKeyCreated, keys.EventKeyRotated)
			checkGone(tb, e)
			checkSuccessor(tb, e)
		}},
	{"rotate with grace", http.MethodPost, "/open/apikeys/%s/rotate", `{"gracePeriodSeconds":60}`, faults.OpTransactWriteItems, 1, 4,
		func(tb testing.TB, e *env) {
			checkEvents(tb, e, keys.EventKeyCreated, keys.EventKeyRotated)
			old, err := e.st.GetKey(context.Background(), e.alice.UserID, e.alice.KeyID)
			if err != nil {
				tb.Fatalf("old key: %v, want it kept for the grace period", err)
			}
			next := checkSuccessor(tb, e)
			if old.ExpiresAt == nil || !old.ExpiresAt.After(time.Now()) || old.ReplacedBy != next.ID {
				tb.Errorf("old key: got expiresAt %v replacedBy %q, want a future expiry and %q", old.ExpiresAt, old.ReplacedBy, next.ID)
			}
		}},
	{"delete", http.MethodDelete, "/open/apikeys/%s", ``, faults.OpTransactWriteItems, 1, 1,
		func(tb testing.TB, e *env) {
			checkOneEvent(tb, e, keys.EventKeyRevoked)
			checkGone(tb, e)
			if others := otherKeys(tb, e); len(others) != 0 {
				tb.Errorf("keys besides alice's: got %+v, want none", others)
			}
		}},
}

// TestKeyWritesAllOrNothingWhenResponseLost lets DynamoDB Local apply each
// key write and then loses its response: the function answers a 5xx in the
// envelope, and the table is either exactly as before or holds the write's
// complete result — never a part of it.
func TestKeyWritesAllOrNothingWhenResponseLost(t *testing.T) {
	for _, w := range lostResponses {
		t.Run(w.name, func(t *testing.T) {
			client, table := dynamolocal.NewTestTable(t)
			api := faults.FailAll(client, faults.After, w.op)
			e := newEnvOn(t, client, table, Options{API: api})
			before := e.snapshot(t)
			checkWriteFails(t, e, w.method, w.path, w.body, func() int { return api.Failed() })
			removed, added := snapshotDiff(before, e.snapshot(t))
			if len(removed) == 0 && len(added) == 0 {
				return // nothing was applied, or it was rolled back
			}
			if len(removed) != w.removed || len(added) != w.added {
				t.Fatalf("table: got %d items removed or changed %q and %d added or changed %q, want %d and %d (the complete write) or none",
					len(removed), removed, len(added), added, w.removed, w.added)
			}
			w.complete(t, e)
		})
	}
}

// otherKeys returns alice's keys other than her seeded one.
func otherKeys(tb testing.TB, e *env) []keys.Key {
	tb.Helper()
	all, _, err := e.st.ListKeys(context.Background(), e.alice.UserID, 100, "")
	if err != nil {
		tb.Fatalf("list keys: %v", err)
	}
	var out []keys.Key
	for _, k := range all {
		if k.ID != e.alice.KeyID {
			out = append(out, k)
		}
	}
	return out
}

// checkOneEvent fails the test unless alice's audit log holds exactly one
// event, of type t: a write's event is part of its complete result.
func checkOneEvent(tb testing.TB, e *env, t keys.EventType) {
	tb.Helper()
	checkEvents(tb, e, t)
}

// checkEvents fails the test unless alice's audit log holds exactly events
// of these types, in any order (one change's events share a time).
func checkEvents(tb testing.TB, e *env, want ...keys.EventType) {
	tb.Helper()
	evs, _, err := e.st.ListEvents(context.Background(), e.alice.UserID, keys.EventQuery{}, 100, "")
	if err != nil {
		tb.Fatalf("list events: %v", err)
	}
	var got []keys.EventType
	for _, ev := range evs {
		got = append(got, ev.Type)
	}
	slices.Sort(got)
	want = slices.Clone(want)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		tb.Errorf("audit log: got %+v, want events %v", evs, want)
	}
}

// checkGone fails the test unless alice's seeded key is entirely gone.
func checkGone(tb testing.TB, e *env) {
	tb.Helper()
	if k, err := e.st.GetKey(context.Background(), e.alice.UserID, e.alice.KeyID); apperr.CodeOf(err) != apperr.NotFound {
		tb.Errorf("old key: got %+v (%v), want NotFound", k, err)
	}
}

// checkSuccessor returns the one key that replaced alice's seeded key,
// checking it is complete and keeps the old key's name and scopes.
func checkSuccessor(tb testing.TB, e *env) keys.Key {
	tb.Helper()
	others := otherKeys(tb, e)
	if len(others) != 1 {
		tb.Fatalf("keys besides alice's: got %+v, want her key's one successor", others)
	}
	checkComplete(tb, others[0])
	if others[0].Name != "seed" || len(others[0].Scopes) != len(keys.AllScopes) {
		tb.Errorf("successor: got name %q scopes %v, want the old key's (seed, %v)", others[0].Name, others[0].Scopes, keys.AllScopes)
	}
	return others[0]
}

// checkComplete fails the test unless k has every field a stored key needs.
func checkComplete(tb testing.TB, k keys.Key) {
	tb.Helper()
	if k.ID == "" || k.UserID == "" || k.Name == "" || k.Hash == "" || k.Start == "" || len(k.Scopes) == 0 || k.CreatedAt.IsZero() {
		tb.Errorf("key: got %+v, want id, user, name, hash, start, scopes and creation time", k)
	}
}

// snapshotDiff returns the items only in before (removed or changed) and
// those only in after (added or changed).
func snapshotDiff(before, after []string) (removed, added []string) {
	inBefore := map[string]bool{}
	for _, s := range before {
		inBefore[s] = true
	}
	inAfter := map[string]bool{}
	for _, s := range after {
		inAfter[s] = true
		if !inBefore[s] {
			added = append(added, s)
		}
	}
	for _, s := range before {
		if !inAfter[s] {
			removed = append(removed, s)
		}
	}
	return removed, added
}

// checkWriteFails sends one key write that must fail and checks that it
// answers a 5xx in the error envelope, and that the fault was exercised when
// failed counts the injected failures.
func checkWriteFails(t *testing.T, e *env, method, path, body string, failed func() int) {
	t.Helper()
	if strings.Contains(path, "%s") {
		path = fmt.Sprintf(path, e.alice.KeyID)
	}
	r := e.do(t, method, path, e.alice.Token, body)
	if r.Status < 500 {
		t.Errorf("%s %s: got status %d, want a 5xx (body %s)", method, path, r.Status, truncate(r.Body))
	}
	if code := errorCode(t, r.Body); code != "INTERNAL_SERVER_ERROR" {
		t.Errorf("%s %s: got code %q, want INTERNAL_SERVER_ERROR", method, path, code)
	}
	if failed != nil && failed() == 0 {
		t.Errorf("%s %s: no call was failed: the fault was not exercised", method, path)
	}
}
