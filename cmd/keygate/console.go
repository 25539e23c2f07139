package main

import (
	"fmt"
	"net/url"
	"strings"

	"keygate/shared/keys"
	"keygate/shared/lambdaenv"
)

// consoleLink: keygate console-link <userId> [--url BASE]
func (c *cli) consoleLink(args []string) error {
	fs := c.newFlagSet("console-link", "<userId>",
		"Print a link to the API Keys page that signs a user in once. The link's fragment (after #) carries a\n"+
			"new sign-in link key that has no scope and expires in 15 minutes: it can do nothing but be exchanged,\n"+
			"once, for the page's session key (admin scope only, 1 hour, not in the key list). Opening the link\n"+
			"again, or after 15 minutes, is refused. Browsers never send fragments to servers, and the page\n"+
			"removes the key from the address bar and keeps only the session key, in the tab's session storage.")
	base := fs.String("url", c.getenv("KEYGATE_URL"), "the API's `URL` with its stage, e.g. https://abc.execute-api.eu-west-1.amazonaws.com/v1 (env KEYGATE_URL)")
	envPrefix, _ := lambdaenv.FromGetenv(c.getenv).KeyPrefix()
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
	issued, err := svc.CreateSignInLink(c.ctx, c.operator(pos[0]))
	if err != nil {
		return err
	}
	link := u.String() + "/open/console#key=" + url.QueryEscape(issued.Token)
	expires := formatTime(*issued.Key.ExpiresAt)
	return c.emit(struct {
		URL       string `json:"url"`
		KeyID     string `json:"keyId"`
		ExpiresAt string `json:"expiresAt"`
	}{link, issued.Key.ID, expires}, func() error {
		_, err := fmt.Fprintf(c.stdout, "%s\n\nOpen it once, within %d minutes (until %s): it signs in as %s for %d minutes. Anyone with the link can, so share it with nobody.\n",
			link, int(keys.SignInLinkLifetime.Minutes()), expires, pos[0], int(keys.SessionLifetime.Minutes()))
		return err
	})
}
