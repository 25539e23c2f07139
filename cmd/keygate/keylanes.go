package main

import (
	"strconv"
	"time"

	"keygate/shared/keys"
)

// keyLanes: keygate key lanes <userId> <keyId> <count>
func (c *cli) keyLanes(args []string) error {
	fs := c.newFlagSet("key lanes", "<userId> <keyId> <count>",
		"Spread a hot key's uses over count items (1: none), each with its share of the key's limits, so one key takes count times DynamoDB's per-item write capacity (docs/authorizer.md, \"A hot key\").")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(pos[2])
	if err != nil || n < 1 || n > keys.MaxLanes {
		return usageErrorf("key lanes: count must be a number from 1 to %d", keys.MaxLanes)
	}
	svc, err := c.keyService("")
	if err != nil {
		return err
	}
	k, err := svc.Update(c.ctx, c.operator(pos[0]), pos[1], keys.KeyChanges{Lanes: &n})
	if err != nil {
		return err
	}
	v := viewKey(k, time.Now())
	return c.emit(v, func() error {
		return c.printFields("id", v.ID, "user", v.UserID, "lanes", strconv.Itoa(max(1, k.Lanes)), "usage", strconv.FormatInt(k.UsageCount, 10))
	})
}
