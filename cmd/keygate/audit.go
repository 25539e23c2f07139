package main

import (
	"strings"

	"keygate/shared/keys"
)

// eventView is an audit event as the CLI prints it: the API's shape.
type eventView struct {
	ID        string         `json:"id"`
	Type      string         `json:"type"`
	CreatedAt string         `json:"createdAt"`
	UserID    string         `json:"userId"`
	Actor     actorView      `json:"actor"`
	KeyID     *string        `json:"keyId"`
	Changes   map[string]any `json:"changes"`
}

type actorView struct {
	KeyID     *string `json:"keyId"`
	Operator  *string `json:"operator"`
	SourceIP  string  `json:"sourceIp"`
	UserAgent string  `json:"userAgent"`
	RequestID string  `json:"requestId"`
}

func viewEvent(ev keys.Event) eventView {
	return eventView{
		ID: ev.ID, Type: string(ev.Type), CreatedAt: formatTime(ev.At), UserID: ev.UserID, KeyID: orNil(ev.KeyID),
		Actor: actorView{KeyID: orNil(ev.Actor.KeyID), Operator: orNil(ev.Actor.Operator), SourceIP: ev.Actor.SourceIP,
			UserAgent: ev.Actor.UserAgent, RequestID: ev.Actor.RequestID},
		Changes: ev.Changes,
	}
}

func orNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// auditList: keygate audit ls <userId> [--key ID] [--type T] [--limit N]
func (c *cli) auditList(args []string) error {
	fs := c.newFlagSet("audit ls", "<userId>", "List a user's audit events of key changes, newest first (the API's GET /open/audit).")
	keyID := fs.String("key", "", "only the events of this key `id`")
	typ := fs.String("type", "", "only events of this `type`: key.created, key.updated, key.rotated, key.revoked")
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
	views := make([]eventView, len(evs))
	rows := make([][]string, len(evs))
	for i, ev := range evs {
		v := viewEvent(ev)
		views[i] = v
		actor := "key " + ev.Actor.KeyID
		if ev.Actor.Operator != "" {
			actor = "operator " + ev.Actor.Operator
		}
		rows[i] = []string{v.CreatedAt, v.Type, ev.KeyID, actor, strings.TrimSpace(ev.Actor.SourceIP)}
	}
	return c.emit(list[eventView]{Items: views}, func() error {
		return c.printTable([]string{"TIME", "TYPE", "KEY", "BY", "FROM"}, rows)
	})
}
