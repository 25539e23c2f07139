package main

import (
	"keygate/shared/store"
)

// userPut: keygate user put <userId> [--name NAME] [--email EMAIL]
func (c *cli) userPut(args []string) error {
	fs := c.newFlagSet("user put", "<userId>",
		"Create a user or update one. Flags left out keep their stored values; a disabled user stays disabled.")
	name := fs.String("name", "", "display `name`")
	email := fs.String("email", "", "`email` address")
	pos, st, err := c.parseAndConnect(fs, args)
	if err != nil {
		return err
	}
	var p store.UserProfile
	if fs.isSet("name") {
		p.Name = name
	}
	if fs.isSet("email") {
		p.Email = email
	}
	u, err := st.PutUserProfile(c.ctx, pos[0], p)
	if err != nil {
		return err
	}
	return c.printUser(u)
}

// userGet: keygate user get <userId>
func (c *cli) userGet(args []string) error {
	fs := c.newFlagSet("user get", "<userId>", "Show a user.")
	pos, st, err := c.parseAndConnect(fs, args)
	if err != nil {
		return err
	}
	u, err := st.GetUser(c.ctx, pos[0])
	if err != nil {
		return err
	}
	return c.printUser(u)
}

// userDisable: keygate user disable <userId>
func (c *cli) userDisable(args []string) error {
	fs := c.newFlagSet("user disable", "<userId>",
		"Disable a user: the authorizer refuses all their keys from now on (after its cache TTL).")
	pos, st, err := c.parseAndConnect(fs, args)
	if err != nil {
		return err
	}
	u, err := st.SetUserDisabled(c.ctx, pos[0], true)
	if err != nil {
		return err
	}
	return c.printUser(u)
}

// userEnable: keygate user enable <userId>
func (c *cli) userEnable(args []string) error {
	fs := c.newFlagSet("user enable", "<userId>", "Enable a disabled user again; their keys work again.")
	pos, st, err := c.parseAndConnect(fs, args)
	if err != nil {
		return err
	}
	u, err := st.SetUserDisabled(c.ctx, pos[0], false)
	if err != nil {
		return err
	}
	return c.printUser(u)
}
