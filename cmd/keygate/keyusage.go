package main

import (
	"fmt"
	"strconv"
	"time"

	"keygate/shared/keys"
)

// keyUsage: keygate key usage <userId> <keyId> [--granularity hour|day] [--from T] [--to T]
func (c *cli) keyUsage(args []string) error {
	fs := c.newFlagSet("key usage", "<userId> <keyId>",
		"Print a key's uses per hour or per day (the API's GET /open/apikeys/{keyId}/usage), counted from the table's stream.")
	granularity := fs.String("granularity", "hour", "`hour` (the last 48 hours by default) or day (the last 90 days)")
	from := fs.String("from", "", "the first bucket's `time` (RFC 3339)")
	to := fs.String("to", "", "the last bucket's `time` (RFC 3339; default now)")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	q := keys.UsageQuery{Granularity: keys.Granularity(*granularity)}
	for _, v := range []struct {
		name, text string
		dst        *time.Time
	}{{"from", *from, &q.From}, {"to", *to, &q.To}} {
		name := v.name
		if v.text == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, v.text)
		if err != nil {
			return usageErrorf("key usage: --%s must be an RFC 3339 time, e.g. 2026-12-07T10:00:00Z", name)
		}
		*v.dst = t
	}
	svc, err := c.keyService("")
	if err != nil {
		return err
	}
	u, err := svc.Usage(c.ctx, c.operator(pos[0]), pos[1], q)
	if err != nil {
		return err
	}
	view := usageView{KeyID: u.KeyID, Granularity: string(u.Granularity), Buckets: make([]usageBucketView, len(u.Buckets))}
	total := int64(0)
	for i, b := range u.Buckets {
		view.Buckets[i] = usageBucketView{Start: keys.FormatTime(b.Start), Count: b.Count}
		total += b.Count
	}
	return c.emit(view, func() error {
		for _, b := range view.Buckets {
			if _, err := fmt.Fprintf(c.stdout, "%s  %d\n", b.Start, b.Count); err != nil {
				return err
			}
		}
		_, err := fmt.Fprintf(c.stdout, "total  %s over %d %ss\n", strconv.FormatInt(total, 10), len(view.Buckets), view.Granularity)
		return err
	})
}

// usageView is the JSON of key usage, the API's body.
type usageView struct {
	KeyID       string            `json:"keyId"`
	Granularity string            `json:"granularity"`
	Buckets     []usageBucketView `json:"buckets"`
}

type usageBucketView struct {
	Start string `json:"start"`
	Count int64  `json:"count"`
}
