package main

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"keygate/shared/apikey"
	"keygate/shared/apperr"
	"keygate/shared/keys"
	"keygate/shared/lambdaenv"
)

// keyCreate: keygate key create <userId> --name NAME [--scopes ...] [--expires ...]
func (c *cli) keyCreate(args []string) error {
	fs := c.newFlagSet("key create", "<userId>",
		"Create an API key for an enabled user and print its token. The token is shown this once;\nonly its SHA-256 hash is stored. The API's rules apply (shared/keys): a name of 1 to 100\ncharacters, known scopes, an expiry at most 5 years ahead, kept to the millisecond.")
	name := fs.String("name", "", "what the key is for (required)")
	scopes := fs.String("scopes", "", "comma-separated `scopes` from read, write, admin, webhook (default all four) and your API document's")
	apiDoc := fs.String("api-document", "", "your API's OpenAPI `file`, whose scopes --scopes may name (default api/openapi.yaml when it exists)")
	expires := fs.String("expires", "", "expiry: an RFC 3339 `time` (2030-01-02T15:04:05Z) or a duration from now (720h, 30d); default never")
	envPrefix, envPrefixErr := lambdaenv.FromGetenv(c.getenv).KeyPrefix()
	prefix := fs.String("prefix", envPrefix, "token `prefix` (env KEY_PREFIX)")
	quiet := fs.Bool("quiet", false, "print only the token")
	allow := fs.String("allow", "", "comma-separated `CIDRs` (or addresses) the key works from; default any address")
	rate := fs.String("rate", "", "rate limit: `count/window`, e.g. 100/s, 10000/h, 5/30s (window units s, m, h, d)")
	burst := fs.Int64("burst", 0, "burst of the rate limit (default: the rate's count)")
	quota := fs.String("quota", "", "quota: `count/period`, e.g. 10000/day or 1000000/month (UTC)")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if envPrefixErr != nil && !fs.isSet("prefix") {
		return usageErrorf("key create: %v", envPrefixErr)
	}
	if strings.TrimSpace(*name) == "" {
		return usageErrorf("key create: --name is required")
	}
	if _, err := keys.NormalizeKeyName(*name); err != nil {
		return usageErrorf("key create: --name: %s", apperr.MessageOf(err))
	}
	api, err := apiScopes(*apiDoc)
	if err != nil {
		return err
	}
	sc, err := parseScopes(*scopes, api)
	if err != nil {
		return err
	}
	now := time.Now()
	exp, err := parseExpires(*expires, now)
	if err != nil {
		return err
	}
	if !apikey.ValidPrefix(*prefix) {
		return usageErrorf("key create: invalid --prefix %q: want ^[a-z][a-z0-9]{0,15}$", *prefix)
	}
	var cidrs []netip.Prefix
	if fs.isSet("allow") {
		if cidrs, err = parseAllow("key create", *allow); err != nil {
			return err
		}
	}
	rl, q, err := parseLimits("key create", *rate, *burst, fs.isSet("burst"), *quota)
	if err != nil {
		return err
	}
	svc, err := c.keyService(*prefix, api...)
	if err != nil {
		return err
	}
	issued, err := svc.Create(c.ctx, c.operator(pos[0]), keys.CreateRequest{Name: *name, Scopes: sc, ExpiresAt: exp, AllowedCIDRs: cidrs,
		RateLimit: rl, Quota: q})
	if err != nil {
		return err
	}
	if *quiet {
		_, err = fmt.Fprintln(c.stdout, issued.Token)
		return err
	}
	v := viewKey(issued.Key, time.Now())
	v.APIKey = issued.Token
	return c.emit(v, func() error {
		if err := c.printFields("id", v.ID, "user", v.UserID, "name", v.Name, "start", v.Start,
			"scopes", scopesText(v.Scopes), "expires", orDash(v.ExpiresAt), "allow", allowText(v.AllowedCIDRs),
			"token", v.APIKey); err != nil {
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
		size := keys.MaxPageSize
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
	now := time.Now()
	for i, k := range found {
		v := viewKey(k, now)
		views[i] = v
		rows[i] = []string{v.ID, v.Name, v.Start, scopesText(v.Scopes), v.CreatedAt,
			orDash(v.ExpiresAt), orDash(v.LastUsedAt), strconv.FormatInt(v.UsageCount, 10)}
	}
	return c.emit(list[keyView]{Items: views}, func() error {
		return c.printTable([]string{"ID", "NAME", "START", "SCOPES", "CREATED", "EXPIRES", "LAST USED", "USES"}, rows)
	})
}

// keyUpdate: keygate key update <userId> <keyId> [--name NAME] [--allow CIDRs | --allow-any]
func (c *cli) keyUpdate(args []string) error {
	fs := c.newFlagSet("key update", "<userId> <keyId>",
		"Rename one of a user's keys or change the networks it works from. The change and its\naudit event are written together.")
	name := fs.String("name", "", "the key's new `name`")
	allow := fs.String("allow", "", "comma-separated `CIDRs` (or addresses) the key works from, replacing its allowlist")
	anyAddr := fs.Bool("allow-any", false, "remove the allowlist: the key works from any address")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	var ch keys.KeyChanges
	if fs.isSet("name") {
		if _, err := keys.NormalizeKeyName(*name); err != nil {
			return usageErrorf("key update: --name: %s", apperr.MessageOf(err))
		}
		ch.Name = name
	}
	switch {
	case fs.isSet("allow") && *anyAddr:
		return usageErrorf("key update: --allow and --allow-any exclude each other")
	case fs.isSet("allow"):
		ch.SetAllowedCIDRs = true
		if ch.AllowedCIDRs, err = parseAllow("key update", *allow); err != nil {
			return err
		}
	case *anyAddr:
		ch.SetAllowedCIDRs = true
	}
	if ch.Name == nil && !ch.SetAllowedCIDRs {
		return usageErrorf("key update: nothing to change: pass --name, --allow or --allow-any")
	}
	svc, err := c.keyService("")
	if err != nil {
		return err
	}
	k, err := svc.Update(c.ctx, c.operator(pos[0]), pos[1], ch)
	if err != nil {
		return err
	}
	v := viewKey(k, time.Now())
	return c.emit(v, func() error {
		return c.printFields("id", v.ID, "user", v.UserID, "name", v.Name, "allow", allowText(v.AllowedCIDRs))
	})
}

// keyLimits: keygate key limits set <userId> <keyId> [--rate R [--burst B] | --no-rate] [--quota Q | --no-quota]
func (c *cli) keyLimits(args []string) error {
	if len(args) > 0 && args[0] == "set" { // keygate key limits set <userId> <keyId> ...
		args = args[1:]
	}
	fs := c.newFlagSet("key limits", "<userId> <keyId>",
		"Set or remove a key's rate limit and quota (the API's rules: never above the deployment's maximum).")
	rate := fs.String("rate", "", "rate limit: `count/window`, e.g. 100/s")
	burst := fs.Int64("burst", 0, "burst of the rate limit (default: the rate's count)")
	noRate := fs.Bool("no-rate", false, "remove the rate limit")
	quota := fs.String("quota", "", "quota: `count/period`, e.g. 10000/day")
	noQuota := fs.Bool("no-quota", false, "remove the quota")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if (fs.isSet("rate") && *noRate) || (fs.isSet("quota") && *noQuota) {
		return usageErrorf("key limits: --rate/--no-rate and --quota/--no-quota exclude each other")
	}
	rl, q, err := parseLimits("key limits", *rate, *burst, fs.isSet("burst"), *quota)
	if err != nil {
		return err
	}
	ch := keys.KeyChanges{SetRateLimit: rl != nil || *noRate, RateLimit: rl, SetQuota: q != nil || *noQuota, Quota: q}
	if !ch.SetRateLimit && !ch.SetQuota {
		return usageErrorf("key limits: nothing to change: pass --rate, --no-rate, --quota or --no-quota")
	}
	svc, err := c.keyService("")
	if err != nil {
		return err
	}
	k, err := svc.Update(c.ctx, c.operator(pos[0]), pos[1], ch)
	if err != nil {
		return err
	}
	v := viewKey(k, time.Now())
	return c.emit(v, func() error {
		return c.printFields("id", v.ID, "user", v.UserID, "rate", limitText(k.RateLimit), "quota", quotaText(k.Quota))
	})
}

// parseLimits reads --rate, --burst and --quota with the API's syntax.
func parseLimits(cmd, rate string, burst int64, burstSet bool, quota string) (*keys.RateLimit, *keys.Quota, error) {
	var rl *keys.RateLimit
	if rate != "" {
		limit, window, err := keys.ParseRate(rate)
		if err != nil {
			return nil, nil, usageErrorf("%s: --rate: %s", cmd, apperr.MessageOf(err))
		}
		rl = &keys.RateLimit{Limit: limit, Window: window, Burst: limit}
		if burstSet {
			rl.Burst = burst
		}
	} else if burstSet {
		return nil, nil, usageErrorf("%s: --burst needs --rate", cmd)
	}
	var q *keys.Quota
	if quota != "" {
		parsed, err := keys.ParseQuota(quota)
		if err != nil {
			return nil, nil, usageErrorf("%s: --quota: %s", cmd, apperr.MessageOf(err))
		}
		q = &parsed
	}
	return rl, q, nil
}

func limitText(r *keys.RateLimit) string {
	if r == nil {
		return "none"
	}
	return r.String()
}

func quotaText(q *keys.Quota) string {
	if q == nil {
		return "none"
	}
	return fmt.Sprintf("%d/%s", q.Limit, q.Period)
}

// parseAllow reads a comma-separated allowlist with the API's rule.
func parseAllow(cmd, s string) ([]netip.Prefix, error) {
	var entries []string
	for _, e := range strings.Split(s, ",") {
		if e = strings.TrimSpace(e); e != "" {
			entries = append(entries, e)
		}
	}
	cidrs, err := keys.ParseCIDRs(entries)
	if err != nil {
		return nil, usageErrorf("%s: --allow: %s", cmd, apperr.MessageOf(err))
	}
	return cidrs, nil
}

// allowText is an allowlist as text: "any" for none.
func allowText(cidrs []string) string {
	if cidrs == nil {
		return "any"
	}
	return strings.Join(cidrs, ",")
}

// keyRevoke: keygate key revoke <userId> <keyId> [--rest-api-id ID --stage NAME]
func (c *cli) keyRevoke(args []string) error {
	fs := c.newFlagSet("key revoke", "<userId> <keyId>",
		"Delete one of a user's keys: verification refuses it at once. With --rest-api-id and --stage\n(the stack's RestApiId and StageName outputs) it also flushes that stage's authorizer cache, as\nDELETE /open/apikeys/{keyId} does; without them an API Gateway that cached the authorizer's\nanswer keeps accepting the key until that answer expires, at most AuthorizerCacheTtl seconds.")
	apiID := fs.String("rest-api-id", c.getenv("KEYGATE_REST_API_ID"), "flush the authorizer cache of this REST API `id` (env KEYGATE_REST_API_ID)")
	stage := fs.String("stage", c.getenv("KEYGATE_STAGE"), "... of this stage `name` (env KEYGATE_STAGE)")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if (*apiID == "") != (*stage == "") {
		return usageErrorf("key revoke: --rest-api-id and --stage go together")
	}
	if *apiID != "" && (!keys.ValidID(*apiID) || !keys.ValidID(*stage)) {
		return usageErrorf("key revoke: invalid --rest-api-id or --stage: want ^[A-Za-z0-9_-]{1,64}$")
	}
	svc, err := c.keyService("")
	if err != nil {
		return err
	}
	var cache keys.CacheFlusher
	if *apiID != "" {
		if cache, err = c.stageCache(*apiID, *stage); err != nil {
			return err
		}
	}
	flush, err := svc.Revoke(c.ctx, c.operator(pos[0]), pos[1], cache)
	if err != nil {
		return err
	}
	revoked := struct {
		ID         string `json:"id"`
		UserID     string `json:"userId"`
		Revoked    bool   `json:"revoked"`
		CacheFlush string `json:"cacheFlush"`
	}{pos[1], pos[0], true, flush.String()}
	return c.emit(revoked, func() error {
		if _, err := fmt.Fprintf(c.stdout, "revoked key %s of user %s\n", pos[1], pos[0]); err != nil {
			return err
		}
		_, err := fmt.Fprintln(c.stdout, flushNote(flush))
		return err
	})
}

// flushNote says plainly what a revocation's flush outcome means.
func flushNote(f keys.Flush) string {
	switch f {
	case keys.FlushDone:
		return "authorizer cache flushed: the key stops working everywhere now"
	case keys.FlushFailed:
		return "authorizer cache flush FAILED (see the error above): an API Gateway that cached the key's answer accepts it until that answer expires, at most AuthorizerCacheTtl seconds"
	}
	return "authorizer cache not flushed (no --rest-api-id/--stage): if caching is on, an API Gateway that cached the key's answer accepts it until that answer expires, at most AuthorizerCacheTtl seconds"
}
