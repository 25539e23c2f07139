package main

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"keygate/shared/apikey"
	"keygate/shared/keys"
	"keygate/shared/store"
)

// TestConsoleLink: the link carries a scopeless 15-minute sign-in link key
// in its fragment, which the key list does not show.
func TestConsoleLink(t *testing.T) {
	e := newTestEnv(t)
	e.seed(t)
	var got struct {
		URL       string `json:"url"`
		KeyID     string `json:"keyId"`
		ExpiresAt string `json:"expiresAt"`
	}
	e.mustRunJSON(t, &got, "console-link", "u1", "--url", "https://abc.execute-api.eu-west-1.amazonaws.com/v1/")
	page, fragment, ok := strings.Cut(got.URL, "#key=")
	if !ok || page != "https://abc.execute-api.eu-west-1.amazonaws.com/v1/open/console" {
		t.Fatalf("url: got %q, want the page with #key=<token>", got.URL)
	}
	token, err := url.QueryUnescape(fragment)
	if err != nil {
		t.Fatal(err)
	}
	id, err := apikey.Parse(token, apikey.DefaultPrefix)
	if err != nil || id != got.KeyID {
		t.Fatalf("token: got id %q (%v), want %s", id, err, got.KeyID)
	}
	k, err := store.New(e.client, e.table).GetKey(t.Context(), "u1", id)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"a sign-in link key", k.SignInLink, true},
		{"not a session", k.Session, false},
		{"no scopes", len(k.Scopes), 0},
		{"expires in 15 minutes", k.ExpiresAt != nil && time.Until(*k.ExpiresAt) > 14*time.Minute && time.Until(*k.ExpiresAt) <= 15*time.Minute, true},
		{"expiresAt printed", got.ExpiresAt, k.ExpiresAt.UTC().Format(keys.TimeFormat)},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got %v, want %v", c.got, c.want)
			}
		})
	}
	t.Run("not in key ls", func(t *testing.T) {
		if out := e.mustRun(t, "key", "ls", "u1", "--json"); strings.Contains(out, id) {
			t.Errorf("key ls: got %s, want no %s", out, id)
		}
	})
	t.Run("text output says it works once", func(t *testing.T) {
		out := e.mustRun(t, "console-link", "u1", "--url", "http://127.0.0.1:3000")
		if !strings.Contains(out, "Open it once, within 15 minutes") || !strings.Contains(out, "for 60 minutes") {
			t.Errorf("got %q, want it to say the link works once and the session lasts 60 minutes", out)
		}
	})
}
