package main

import (
	"strings"

	"keygate/shared/keys"
)

// auditList: keygate audit ls <userId> [--key ID] [--type T] [--limit N]
func (c *cli) auditList(args []string) error {
	fs := c.newFlagSet("audit ls", "<userId>", "List a user's audit events of key, webhook and membership changes, newest first (the API's GET /open/audit).")
	keyID := fs.String("key", "", "only the events of this key `id`")
	typ := fs.String("type", "", "only events of this `type`: key.created, key.updated, key.rotated, key.revoked, webhook.created, webhook.updated, webhook.deleted, webhook.disabled, webhook.delivery_retried, membership.added, membership.updated, membership.removed")
	limit := fs.Int("limit", 0, "show at most `n` events (0: all)")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	q := keys.EventQuery{}
	if *keyID != "" {
		if err := checkKeyID(*keyID); err != nil {
			return err
		}
		q.KeyID = *keyID
	}
	if *typ != "" {
		if q.Type, err = keys.ParseEventType(*typ); err != nil {
			return usageErrorf("audit ls: --type: %v", err)
		}
	}
	if *limit < 0 {
		return usageErrorf("audit ls: --limit must be 0 or more")
	}
	svc, err := c.keyService("")
	if err != nil {
		return err
	}
	st, _ := c.connect()
	if _, err := st.GetUser(c.ctx, pos[0]); err != nil { // NotFound, not an empty log
		return err
	}
	var evs []keys.Event
	for cursor := ""; ; {
		size := keys.MaxPageSize
		if *limit > 0 {
			size = min(size, *limit-len(evs))
		}
		page, err := svc.Events(c.ctx, c.operator(pos[0]), q, size, cursor)
		if err != nil {
			return err
		}
		evs = append(evs, page.Events...)
		if page.NextCursor == "" || (*limit > 0 && len(evs) >= *limit) {
			break
		}
		cursor = page.NextCursor
	}
	rows := make([][]string, len(evs))
	for i, ev := range evs {
		actor := "key " + ev.Actor.KeyID
		if ev.Actor.Operator != "" {
			actor = "operator " + ev.Actor.Operator
		}
		rows[i] = []string{formatTime(ev.At), string(ev.Type), ev.KeyID, actor, strings.TrimSpace(ev.Actor.SourceIP)}
	}
	if evs == nil {
		evs = []keys.Event{}
	}
	return c.emit(list[keys.Event]{Items: evs}, func() error {
		return c.printTable([]string{"TIME", "TYPE", "KEY", "BY", "FROM"}, rows)
	})
}
