package main

import (
	"keygate/shared/apperr"
	"keygate/shared/keys"
	"keygate/shared/store"
)

// workspacePut: keygate workspace put <workspaceId> [--name NAME]
func (c *cli) workspacePut(args []string) error {
	fs := c.newFlagSet("workspace put", "<workspaceId>",
		"Create a workspace or update one. A --name left out keeps the stored name.")
	name := fs.String("name", "", "display `name`")
	pos, st, err := c.parseAndConnect(fs, args)
	if err != nil {
		return err
	}
	w, err := st.GetWorkspace(c.ctx, pos[0])
	if apperr.Is(err, apperr.NotFound) {
		w, err = keys.Workspace{ID: pos[0]}, nil
	}
	if err != nil {
		return err
	}
	if fs.isSet("name") {
		w.Name = *name
	}
	if err := st.PutWorkspace(c.ctx, w); err != nil {
		return err
	}
	return c.showWorkspace(st, w.ID)
}

// workspaceGet: keygate workspace get <workspaceId>
func (c *cli) workspaceGet(args []string) error {
	fs := c.newFlagSet("workspace get", "<workspaceId>", "Show a workspace.")
	pos, st, err := c.parseAndConnect(fs, args)
	if err != nil {
		return err
	}
	return c.showWorkspace(st, pos[0])
}

// showWorkspace reads the workspace back and prints it.
func (c *cli) showWorkspace(st *store.Store, id string) error {
	w, err := st.GetWorkspace(c.ctx, id)
	if err != nil {
		return err
	}
	return c.printWorkspace(w)
}
