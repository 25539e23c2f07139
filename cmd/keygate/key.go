package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"keygate/shared/apikey"
	"keygate/shared/keys"
	"keygate/shared/store"
)

// keyCreate: keygate key create <userId> --name NAME [--scopes ...] [--expires ...]
func (c *cli) keyCreate(args []string) error {
	fs := c.newFlagSet("key create", "<userId>",
		"Create an API key for an enabled user and print its token. The token is shown this once;\nonly its SHA-256 hash is stored.")
	name := fs.String("name", "", "what the key is for (required)")
	scopes := fs.String("scopes", "", "comma-separated `scopes` from read, write, admin (default all three)")
	expires := fs.String("expires", "", "expiry: an RFC 3339 `time` (2030-01-02T15:04:05Z) or a duration from now (720h, 30d); default never")
	envPrefix, envPrefixErr := apikey.PrefixFromEnv(c.getenv)
	prefix := fs.String("prefix", envPrefix, "token `prefix` (env KEY_PREFIX)")
	quiet := fs.Bool("quiet", false, "print only the token")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if envPrefixErr != nil && !fs.isSet("prefix") {
		return usageErrorf("key create: %v", envPrefixErr)
	}
	userID := pos[0]
	keyName, err := checkKeyName(*name)
	if err != nil {
		return err
	}
	sc, err := parseScopes(*scopes)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	exp, err := parseExpires(*expires, now)
	if err != nil {
		return err
	}
	if !apikey.ValidPrefix(*prefix) {
		return usageErrorf("key create: invalid --prefix %q: want ^[a-z][a-z0-9]{0,15}$", *prefix)
	}
	st, err := c.connect()
	if err != nil {
		return err
	}
	gen, err := apikey.Generate(*prefix)
	if err != nil {
		return err
	}
	k := keys.NewKey(gen, userID, keyName, sc, now, exp)
	if err := st.CreateKey(c.ctx, k); err != nil {
		return err
	}
	if *quiet {
		_, err = fmt.Fprintln(c.stdout, gen.Token)
		return err
	}
	v := viewKey(k)
	v.APIKey = gen.Token
	return c.emit(v, func() error {
		if err := c.printFields("id", v.ID, "user", v.UserID, "name", v.Name, "start", v.Start,
			"scopes", strings.Join(v.Scopes, ","), "expires", orDash(v.ExpiresAt), "token", v.APIKey); err != nil {
			return err
		}
		_, err := fmt.Fprintln(c.stdout, "\nThis is the only time the token is shown; store it now.")
		return err
	})
}

// keyList: keygate key ls <userId> [--limit N]
func (c *cli) keyList(args []string) error {
	fs := c.newFlagSet("key ls", "<userId>", "List a user's keys, newest first. Tokens are never shown, only their start.")
	limit := fs.Int("limit", 0, "show at most `n` keys (0: all)")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if *limit < 0 {
		return usageErrorf("key ls: --limit must be 0 or more")
	}
	st, err := c.connect()
	if err != nil {
		return err
	}
	if _, err := st.GetUser(c.ctx, pos[0]); err != nil { // NotFound, not an empty list
		return err
	}
	var found []keys.Key
	for cursor := ""; ; {
		size := store.MaxPageSize
		if *limit > 0 {
			size = min(size, *limit-len(found))
		}
		page, next, err := st.ListKeys(c.ctx, pos[0], size, cursor)
		if err != nil {
			return err
		}
		found = append(found, page...)
		if next == "" || (*limit > 0 && len(found) >= *limit) {
			break
		}
		cursor = next
	}
	views := make([]keyView, len(found))
	rows := make([][]string, len(found))
	for i, k := range found {
		v := viewKey(k)
		views[i] = v
		rows[i] = []string{v.ID, v.Name, v.Start, strings.Join(v.Scopes, ","), v.CreatedAt,
			orDash(v.ExpiresAt), orDash(v.LastUsedAt), strconv.FormatInt(v.UsageCount, 10)}
	}
	return c.emit(list[keyView]{Items: views}, func() error {
		return c.printTable([]string{"ID", "NAME", "START", "SCOPES", "CREATED", "EXPIRES", "LAST USED", "USES"}, rows)
	})
}

// keyRevoke: keygate key revoke <userId> <keyId>
func (c *cli) keyRevoke(args []string) error {
	fs := c.newFlagSet("key revoke", "<userId> <keyId>",
		"Delete one of a user's keys. Verification refuses it at once; an API Gateway that cached\nthe authorizer's answer keeps accepting it until the cache TTL ends (DELETE /open/apikeys/{keyId} flushes it).")
	pos, st, err := c.parseAndConnect(fs, args)
	if err != nil {
		return err
	}
	if err := st.DeleteKey(c.ctx, pos[0], pos[1]); err != nil {
		return err
	}
	revoked := struct {
		ID      string `json:"id"`
		UserID  string `json:"userId"`
		Revoked bool   `json:"revoked"`
	}{pos[1], pos[0], true}
	return c.emit(revoked, func() error {
		_, err := fmt.Fprintf(c.stdout, "revoked key %s of user %s\n", pos[1], pos[0])
		return err
	})
}
