package main

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"keygate/shared/apikey"
	"keygate/shared/keys"
)

// ConsoleLinkLifetime is how long a console link's sign-in key works.
const ConsoleLinkLifetime = 15 * time.Minute

// consoleLink: keygate console-link <userId> [--url BASE]
func (c *cli) consoleLink(args []string) error {
	fs := c.newFlagSet("console-link", "<userId>",
		"Print a one-time link to the API Keys page for a user. The link's fragment (after #) carries a\nnew sign-in key with every scope that expires in 15 minutes; browsers never send fragments to\nservers, and the page moves the key into the tab's session storage and out of the address bar.")
	base := fs.String("url", c.getenv("KEYGATE_URL"), "the API's `URL` with its stage, e.g. https://abc.execute-api.eu-west-1.amazonaws.com/v1 (env KEYGATE_URL)")
	envPrefix, _ := apikey.PrefixFromEnv(c.getenv)
	prefix := fs.String("prefix", envPrefix, "token `prefix` (env KEY_PREFIX)")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	u, err := url.Parse(strings.TrimRight(*base, "/"))
	if *base == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return usageErrorf("console-link: --url: want the API's base URL, such as https://abc.execute-api.eu-west-1.amazonaws.com/v1")
	}
	svc, err := c.keyService(*prefix)
	if err != nil {
		return err
	}
	expires := time.Now().Add(ConsoleLinkLifetime)
	issued, err := svc.Create(c.ctx, c.operator(pos[0]), keys.CreateRequest{Name: "console sign-in", Scopes: keys.AllScopes,
		ExpiresAt: &expires, Session: true})
	if err != nil {
		return err
	}
	link := u.String() + "/open/console#key=" + url.QueryEscape(issued.Token)
	return c.emit(struct {
		URL       string `json:"url"`
		KeyID     string `json:"keyId"`
		ExpiresAt string `json:"expiresAt"`
	}{link, issued.Key.ID, formatTime(expires)}, func() error {
		_, err := fmt.Fprintf(c.stdout, "%s\n\nOpen it within 15 minutes (until %s); it signs in as %s. Anyone with the link can, so share it with nobody.\n",
			link, formatTime(*issued.Key.ExpiresAt), pos[0])
		return err
	})
}
