package main

import (
	"fmt"

	"keygate/shared/store"
)

// tableCreate: keygate table create [--if-not-exists]
func (c *cli) tableCreate(args []string) error {
	fs := c.newFlagSet("table create", "",
		"Create keygate's table (pk/sk, index gsi1, TTL on ttl, on-demand billing) and wait until it is active.\nAn existing table is an error unless --if-not-exists is given.")
	ifNotExists := fs.Bool("if-not-exists", false, "succeed without change when the table exists")
	if _, err := fs.parse(args); err != nil {
		return err
	}
	client, err := c.dynamo()
	if err != nil {
		return err
	}
	created := true
	if *ifNotExists {
		created, err = store.EnsureTable(c.ctx, client, c.g.table)
	} else {
		err = store.CreateTable(c.ctx, client, c.g.table)
	}
	if err != nil {
		return err
	}
	result := struct {
		Table   string `json:"table"`
		Created bool   `json:"created"`
	}{c.g.table, created}
	return c.emit(result, func() error {
		format := "created table %s at %s\n"
		if !created {
			format = "table %s already exists at %s\n"
		}
		_, err := fmt.Fprintf(c.stdout, format, c.g.table, c.where())
		return err
	})
}
