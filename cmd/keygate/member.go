package main

import (
	"fmt"

	"keygate/shared/apperr"
	"keygate/shared/keys"
)

// memberPut: keygate member put <userId> <workspaceId> --role ROLE
func (c *cli) memberPut(args []string) error {
	fs := c.newFlagSet("member put", "<userId> <workspaceId>",
		"Give a user a role in a workspace, replacing any earlier role. The user and the workspace must exist; "+
			"the user's audit log records the change (membership.added or membership.updated).")
	role := fs.String("role", "", "`role`: owner, admin or readOnly (required)")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if *role == "" {
		return usageErrorf("member put: --role is required: owner, admin or readOnly")
	}
	r, err := keys.ParseRole(*role)
	if err != nil {
		return usageErrorf("member put: %s", apperr.MessageOf(err))
	}
	ms, err := c.memberships()
	if err != nil {
		return err
	}
	m, _, err := ms.Put(c.ctx, c.operator(pos[0]), pos[1], r)
	if err != nil {
		return err
	}
	return c.printMember(m)
}

// memberRemove: keygate member rm <userId> <workspaceId>
func (c *cli) memberRemove(args []string) error {
	fs := c.newFlagSet("member rm", "<userId> <workspaceId>",
		"Take a user out of a workspace; the user's audit log records it (membership.removed).")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	ms, err := c.memberships()
	if err != nil {
		return err
	}
	if _, err := ms.Remove(c.ctx, c.operator(pos[0]), pos[1]); err != nil {
		return err
	}
	removed := struct {
		UserID      string `json:"userId"`
		WorkspaceID string `json:"workspaceId"`
		Removed     bool   `json:"removed"`
	}{pos[0], pos[1], true}
	return c.emit(removed, func() error {
		_, err := fmt.Fprintf(c.stdout, "removed user %s from workspace %s\n", pos[0], pos[1])
		return err
	})
}

// memberList: keygate member ls <userId>
func (c *cli) memberList(args []string) error {
	fs := c.newFlagSet("member ls", "<userId>", "List a user's workspaces and roles, by workspace id.")
	pos, st, err := c.parseAndConnect(fs, args)
	if err != nil {
		return err
	}
	p, err := st.Principal(c.ctx, pos[0]) // NotFound for an unknown user, not an empty list
	if err != nil {
		return err
	}
	views := make([]memberView, len(p.Memberships))
	rows := make([][]string, len(p.Memberships))
	for i, m := range p.Memberships {
		views[i] = viewMember(m)
		rows[i] = []string{views[i].WorkspaceID, views[i].Role, views[i].CreatedAt}
	}
	return c.emit(list[memberView]{Items: views}, func() error {
		return c.printTable([]string{"WORKSPACE", "ROLE", "CREATED"}, rows)
	})
}
