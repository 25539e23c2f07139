package webhooks_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"keygate/shared/webhooks"
)

// rotated is the answer of POST …/secret/rotate.
type rotated struct {
	ID                       string  `json:"id"`
	Secret                   string  `json:"secret"`
	PreviousSecretValidUntil *string `json:"previousSecretValidUntil"`
}

func (a *api) rotate(tb testing.TB, user, id, body string, want int) rotated {
	tb.Helper()
	resp := a.call(tb, a.hooks, user, "POST", "/open/webhooks/"+id+"/secret/rotate", body, want)
	var r rotated
	if want == http.StatusOK {
		if err := json.Unmarshal([]byte(resp.Body), &r); err != nil {
			tb.Fatal(err)
		}
	}
	return r
}

// secretEvents are user's webhook.updated events that rotated a secret,
// newest first, as GET /open/audit shows them (the raw JSON of each).
func (a *api) secretEvents(tb testing.TB, user string) []string {
	tb.Helper()
	resp := a.call(tb, a.keys, user, "GET", "/open/audit?type=webhook.updated", "", http.StatusOK)
	var page struct {
		Items []struct {
			Changes map[string]json.RawMessage `json:"changes"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(resp.Body), &page); err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, ev := range page.Items {
		if s, ok := ev.Changes["secret"]; ok {
			out = append(out, string(s))
		}
	}
	return out
}

// TestRotateSecretThroughTheAPI: a rotation issues a new whsec_ secret,
// shown once; the replaced one signs beside it until the overlap ends; it
// is audited without a secret; another tenant's rotation is a 404 that
// changes nothing.
func TestRotateSecretThroughTheAPI(t *testing.T) {
	a := newAPI(t, webhooks.DefaultPingLimit)
	id, first := a.createHook(t, "alice", "https://hooks.example.com/k")
	st := a.store
	signing := func(t *testing.T, at time.Time) []string {
		t.Helper()
		w, err := st.GetWebhook(context.Background(), "alice", id)
		if err != nil {
			t.Fatal(err)
		}
		return w.SigningSecrets(at)
	}

	t.Run("another tenant's endpoint is a 404 and stays as it was", func(t *testing.T) {
		a.rotate(t, "mallory", id, `{"overlapSeconds":60}`, http.StatusNotFound)
		if got := signing(t, a.now); len(got) != 1 || got[0] != first {
			t.Errorf("alice's signing secrets: got %d, want her first one only", len(got))
		}
		if got := a.secretEvents(t, "alice"); len(got) != 0 {
			t.Errorf("alice's log: got %v, want no rotation", got)
		}
		if got := a.secretEvents(t, "mallory"); len(got) != 0 {
			t.Errorf("mallory's log: got %v, want nothing", got)
		}
	})

	t.Run("bad overlaps are refused", func(t *testing.T) {
		for _, body := range []string{`{"overlapSeconds":-1}`, `{"overlapSeconds":604801}`, `{"overlapSeconds":"1h"}`, `{"overlap":60}`} {
			a.rotate(t, "alice", id, body, http.StatusBadRequest)
		}
		if got := signing(t, a.now); len(got) != 1 || got[0] != first {
			t.Error("a refused rotation changed the secret")
		}
	})

	a.now = a.now.Add(time.Second)
	start := a.now
	r := a.rotate(t, "alice", id, `{"overlapSeconds":3600}`, http.StatusOK)
	t.Run("the new secret is the standard's whsec_ base64", func(t *testing.T) {
		if r.ID != id || r.Secret == first || !strings.HasPrefix(r.Secret, "whsec_") {
			t.Fatalf("got %+v", r)
		}
		if std, err := webhooks.StandardSecret(r.Secret); err != nil || std != r.Secret {
			t.Errorf("StandardSecret: got %q, %v; want the secret as issued", std, err)
		}
		if want := start.Add(time.Hour).UTC().Format("2006-01-02T15:04:05.000Z"); r.PreviousSecretValidUntil == nil || *r.PreviousSecretValidUntil != want {
			t.Errorf("previousSecretValidUntil: got %v, want %s", r.PreviousSecretValidUntil, want)
		}
	})
	t.Run("both sign during the overlap, only the new one after it", func(t *testing.T) {
		tests := []struct {
			name string
			at   time.Time
			want []string
		}{
			{"at once", start, []string{r.Secret, first}},
			{"a second before the end", start.Add(time.Hour - time.Second), []string{r.Secret, first}},
			{"at the end", start.Add(time.Hour), []string{r.Secret}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if got := signing(t, tt.at); strings.Join(got, " ") != strings.Join(tt.want, " ") {
					t.Errorf("got %d secrets, want %d (new first)", len(got), len(tt.want))
				}
			})
		}
	})
	t.Run("audited as webhook.updated, without a secret", func(t *testing.T) {
		got := a.secretEvents(t, "alice")
		want := `{"overlapSeconds":3600,"previousValidUntil":"` + *r.PreviousSecretValidUntil + `","rotated":true}`
		if len(got) != 1 || got[0] != want {
			t.Errorf("got %v, want [%s]", got, want)
		}
		resp := a.call(t, a.keys, "alice", "GET", "/open/audit", "", http.StatusOK)
		for _, s := range []string{first, r.Secret, strings.TrimPrefix(first, "whsec_"), strings.TrimPrefix(r.Secret, "whsec_")} {
			if strings.Contains(resp.Body, s) {
				t.Error("the audit log holds a secret")
			}
		}
	})
	t.Run("the secret is never shown again", func(t *testing.T) {
		for _, path := range []string{"/open/webhooks", "/open/webhooks/" + id} {
			if resp := a.call(t, a.hooks, "alice", "GET", path, "", http.StatusOK); strings.Contains(resp.Body, r.Secret) || strings.Contains(resp.Body, first) {
				t.Errorf("GET %s shows a secret", path)
			}
		}
	})

	a.now = a.now.Add(time.Minute)
	second := a.now
	r2 := a.rotate(t, "alice", id, "", http.StatusOK)
	t.Run("no body: the default overlap, and every replaced secret signs until its end at the latest", func(t *testing.T) {
		if want := second.Add(webhooks.DefaultOverlap).UTC().Format("2006-01-02T15:04:05.000Z"); r2.PreviousSecretValidUntil == nil || *r2.PreviousSecretValidUntil != want {
			t.Errorf("previousSecretValidUntil: got %v, want %s", r2.PreviousSecretValidUntil, want)
		}
		if got, want := signing(t, second), []string{r2.Secret, r.Secret, first}; strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("got %d secrets, want the new one, then the replaced ones latest first", len(got))
		}
		if got, want := signing(t, start.Add(time.Hour)), []string{r2.Secret, r.Secret}; strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("after the first overlap: got %d secrets, want %d", len(got), len(want))
		}
	})

	a.now = a.now.Add(time.Minute)
	r3 := a.rotate(t, "alice", id, `{"overlapSeconds":0}`, http.StatusOK)
	t.Run("overlap 0 ends every replaced secret at once (a leaked one)", func(t *testing.T) {
		if r3.PreviousSecretValidUntil != nil {
			t.Errorf("previousSecretValidUntil: got %s, want null", *r3.PreviousSecretValidUntil)
		}
		if got := signing(t, a.now); len(got) != 1 || got[0] != r3.Secret {
			t.Errorf("got %d secrets, want the new one only", len(got))
		}
	})
}
