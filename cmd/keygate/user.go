package main

import (
	"keygate/shared/apperr"
	"keygate/shared/store"
)

// userPut: keygate user put <userId> [--name NAME] [--email EMAIL]
func (c *cli) userPut(args []string) error {
	fs := c.newFlagSet("user put", "<userId>",
		"Create a user or update one. Flags left out keep their stored values; a disabled user stays disabled.")
	name := fs.String("name", "", "display `name`")
	email := fs.String("email", "", "`email` address")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	st, err := c.connect()
	if err != nil {
		return err
	}
	u, err := st.GetUser(c.ctx, pos[0])
	if apperr.Is(err, apperr.NotFound) {
		u, err = store.User{ID: pos[0]}, nil
	}
	if err != nil {
		return err
	}
	if fs.isSet("name") {
		u.Name = *name
	}
	if fs.isSet("email") {
		u.Email = *email
	}
	if err := st.PutUser(c.ctx, u); err != nil {
		return err
	}
	return c.showUser(st, u.ID)
}

// userGet: keygate user get <userId>
func (c *cli) userGet(args []string) error {
	fs := c.newFlagSet("user get", "<userId>", "Show a user.")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	st, err := c.connect()
	if err != nil {
		return err
	}
	return c.showUser(st, pos[0])
}

// userDisable: keygate user disable <userId>
func (c *cli) userDisable(args []string) error {
	fs := c.newFlagSet("user disable", "<userId>",
		"Disable a user: the authorizer refuses all their keys from now on (after its cache TTL).")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	st, err := c.connect()
	if err != nil {
		return err
	}
	if err := st.DisableUser(c.ctx, pos[0]); err != nil {
		return err
	}
	return c.showUser(st, pos[0])
}

// userEnable: keygate user enable <userId>
func (c *cli) userEnable(args []string) error {
	fs := c.newFlagSet("user enable", "<userId>", "Enable a disabled user again; their keys work again.")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	st, err := c.connect()
	if err != nil {
		return err
	}
	u, err := st.GetUser(c.ctx, pos[0])
	if err != nil {
		return err
	}
	u.Disabled = false
	if err := st.PutUser(c.ctx, u); err != nil {
		return err
	}
	return c.showUser(st, u.ID)
}

// showUser reads the user back and prints it.
func (c *cli) showUser(st *store.Store, id string) error {
	u, err := st.GetUser(c.ctx, id)
	if err != nil {
		return err
	}
	return c.printUser(u)
}
