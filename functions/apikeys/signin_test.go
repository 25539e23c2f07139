package apikeys_test

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"keygate/dev/testkit/fntest"
	"keygate/dev/testkit/iamcheck"
	"keygate/shared/apperr"
	"keygate/shared/keys"
)

// signInLink makes a console link's key for user, as keygate console-link
// does, and returns the authorizer context of a request it authenticates.
func (e *env) signInLink(tb testing.TB, user string) map[string]interface{} {
	tb.Helper()
	svc, err := keys.NewService(e.st, keys.Config{CursorKey: testCursorKey, Now: func() time.Time { return e.now }})
	if err != nil {
		tb.Fatal(err)
	}
	issued, err := svc.CreateSignInLink(context.Background(), keys.OperatorCaller("ops", user))
	if err != nil {
		tb.Fatal(err)
	}
	return fntest.Authorizer(tb, user, issued.Key.ID, []keys.Scope{})
}

// signInRequest is POST /open/console/session by the key of auth.
func signInRequest(auth map[string]interface{}) fntest.Request {
	return fntest.Request{Method: "POST", Path: "/open/console/session", Authorizer: auth}
}

// assertRefused checks a 403 with the spec's body and reason.
func assertRefused(tb testing.TB, resp events.APIGatewayProxyResponse, reason keys.Reason) {
	tb.Helper()
	fntest.AssertError(tb, resp, http.StatusForbidden, apperr.Forbidden)
	if got := fntest.ErrorOf(tb, resp).Message; got != apperr.ForbiddenMessage {
		tb.Errorf("message: got %q, want the spec's %q", got, apperr.ForbiddenMessage)
	}
	if got := fntest.Header(resp, "X-Keygate-Reason"); got != string(reason) {
		tb.Errorf("X-Keygate-Reason: got %q, want %s", got, reason)
	}
}

func TestConsoleSignIn(t *testing.T) {
	statements := iamcheck.Statements(t, "ApiKeysFunction")
	e := newEnv(t)
	link := e.signInLink(t, alice)
	e.calls.Take()

	resp := e.do(t, signInRequest(link))
	session := decode[keyJSON](t, resp, http.StatusCreated)
	iamcheck.AssertAllowed(t, statements, "ApiKeysFunction", e.calls.Take())
	wantExpiry := e.now.Add(time.Hour).Format(keys.TimeFormat)
	checks := []struct {
		name      string
		got, want any
	}{
		{"a token", session.APIKey != "", true},
		{"scopes", slices.Equal(session.Scopes, []keys.Scope{keys.ScopeAdmin}), true},
		{"expiresAt", session.ExpiresAt != nil && *session.ExpiresAt == wantExpiry, true},
		{"name", session.Name, keys.SessionName},
		{"cache flush header", fntest.Header(resp, "X-Keygate-Cache-Flush"), "done"},
		{"flushes", e.flusher.count(), 1},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got %v, want %v", c.got, c.want)
			}
		})
	}
	t.Run("the session key is not listed", func(t *testing.T) {
		list := decode[listJSON](t, e.do(t, fntest.Request{Method: "GET", Path: "/open/apikeys", Query: map[string]string{"limit": "100"},
			Authorizer: as(t, alice)}), http.StatusOK)
		for _, k := range list.Items {
			if k.ID == session.ID || k.Name == keys.SignInLinkName {
				t.Errorf("listed: %s %q", k.ID, k.Name)
			}
		}
	})
	t.Run("a second use is refused", func(t *testing.T) {
		assertRefused(t, e.do(t, signInRequest(link)), keys.ReasonSignInLinkUsed)
	})
	t.Run("a key that is not a link is refused", func(t *testing.T) {
		assertRefused(t, e.do(t, signInRequest(as(t, alice))), keys.ReasonNotASignInLink)
	})
}

// TestConsoleSignInTwiceAtOnce: two exchanges of one link at the same time
// sign in once: one 201, one 403.
func TestConsoleSignInTwiceAtOnce(t *testing.T) {
	e := newEnv(t)
	for round := range 3 {
		link := e.signInLink(t, alice)
		statuses := make([]int, 2)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				resp, err := e.fn.Handle(context.Background(), signInRequest(link).Event())
				if err != nil {
					t.Errorf("Handle: %v", err)
				}
				statuses[i] = resp.StatusCode
			}()
		}
		close(start)
		wg.Wait()
		slices.Sort(statuses)
		if want := []int{http.StatusCreated, http.StatusForbidden}; !slices.Equal(statuses, want) {
			t.Errorf("round %d: got %v, want %v", round, statuses, want)
		}
	}
}
