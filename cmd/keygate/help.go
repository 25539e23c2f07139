package main

import (
	"fmt"
	"strings"
)

// printHelp writes the top-level help to stdout.
func (c *cli) printHelp() {
	var b strings.Builder
	b.WriteString("keygate administers keygate's DynamoDB table: users, workspaces, memberships and API keys.\n\n")
	b.WriteString("Usage: keygate [global flags] <group> <command> [flags] [args]\n\nCommands:\n")
	for _, g := range groups {
		for _, cmd := range g.commands {
			fmt.Fprintf(&b, "  %-20s %s\n", g.name+" "+cmd.name, cmd.summary)
		}
	}
	fmt.Fprintf(&b, "  %-20s %s\n", "console-link", "print a link to the API Keys page that signs a user in once")
	b.WriteString("\nRun 'keygate <group> <command> --help' for a command's arguments and flags.\n")
	fmt.Fprint(c.stdout, b.String())
	c.newFlagSet("keygate", "", "").printFlags(c.stdout, "Global flags", func(string) bool { return true })
	fmt.Fprint(c.stdout, `
Examples:
  keygate --endpoint http://127.0.0.1:8000 --table keygate table create
  keygate user put u1 --name Alice --email alice@example.com
  keygate workspace put ws1 --name Marketing
  keygate member put u1 ws1 --role owner
  keygate key create u1 --name ci --scopes read --expires 720h
`)
}

// printGroupHelp writes a group's help to stdout.
func (c *cli) printGroupHelp(g group) {
	fmt.Fprintf(c.stdout, "Usage: keygate %s <command> [flags] [args]\n\nManage %s.\n\nCommands:\n", g.name, g.summary)
	for _, cmd := range g.commands {
		fmt.Fprintf(c.stdout, "  %-10s %s\n", cmd.name, cmd.summary)
	}
	fmt.Fprintf(c.stdout, "\nRun 'keygate %s <command> --help' for a command's arguments and flags.\n", g.name)
}
