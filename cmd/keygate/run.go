package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"keygate/shared/store"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1 // the command ran and failed: not found, conflict, DynamoDB error
	exitUsage   = 2 // bad input: nothing was sent to DynamoDB
)

// cli is one invocation: its output streams, environment, global flags and
// the DynamoDB client, built at most once.
type cli struct {
	ctx    context.Context
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	g      globals

	client *dynamodb.Client
	st     *store.Store
	cancel context.CancelFunc
}

// command is one leaf of the command tree, e.g. "user put".
type command struct {
	name    string
	summary string
	run     func(c *cli, args []string) error
}

// group is a noun with its commands, e.g. "user".
type group struct {
	name     string
	summary  string
	commands []command
}

// groups is the command tree, in help order.
var groups = []group{
	{"table", "the DynamoDB table", []command{
		{"create", "create the table (keys, gsi1, TTL) and wait until it is active", (*cli).tableCreate},
	}},
	{"user", "users, synced in from Tianji", []command{
		{"put", "create or update a user", (*cli).userPut},
		{"get", "show a user", (*cli).userGet},
		{"disable", "disable a user: all their keys are refused", (*cli).userDisable},
		{"enable", "enable a disabled user again", (*cli).userEnable},
	}},
	{"workspace", "workspaces, synced in from Tianji", []command{
		{"put", "create or update a workspace", (*cli).workspacePut},
		{"get", "show a workspace", (*cli).workspaceGet},
	}},
	{"member", "a user's roles in workspaces", []command{
		{"put", "give a user a role (owner, admin, readOnly) in a workspace", (*cli).memberPut},
		{"rm", "take a user out of a workspace", (*cli).memberRemove},
		{"ls", "list a user's workspaces and roles", (*cli).memberList},
	}},
	{"key", "API keys", []command{
		{"create", "create a key for a user and print its token, once", (*cli).keyCreate},
		{"ls", "list a user's keys, newest first", (*cli).keyList},
		{"update", "rename a user's key or change its IP allowlist", (*cli).keyUpdate},
		{"limits", "set or remove a key's rate limit and quota (key limits set ...)", (*cli).keyLimits},
		{"lanes", "spread a hot key's uses over several items, each with its share of the limits", (*cli).keyLanes},
		{"usage", "print a key's uses per hour or per day", (*cli).keyUsage},
		{"revoke", "delete a user's key", (*cli).keyRevoke},
	}},
	{"audit", "the audit log of key changes", []command{
		{"ls", "list a user's audit events, newest first", (*cli).auditList},
	}},
	{"webhook", "a user's webhook endpoints and their deliveries", []command{
		{"create", "register an endpoint and print its signing secret, once", (*cli).webhookCreate},
		{"ls", "list a user's endpoints", (*cli).webhookList},
		{"get", "show an endpoint", (*cli).webhookGet},
		{"update", "change an endpoint's url, events or description, or enable it", (*cli).webhookUpdate},
		{"rm", "delete an endpoint", (*cli).webhookRemove},
		{"test", "queue a ping to an endpoint", (*cli).webhookTest},
		{"deliveries", "list an endpoint's latest deliveries", (*cli).webhookDeliveries},
		{"rotate-secret", "give an endpoint a new signing secret, the old one signing beside it for an overlap", (*cli).webhookRotateSecret},
		{"retry", "send a dead-lettered, skipped or stuck delivery again, with its id", (*cli).webhookRetry},
	}},
	{"apidoc", "your API's OpenAPI document, as keygate protects it", []command{
		{"check", "print its scopes and public operations, or every problem", (*cli).apidocCheck},
		{"compile", "write the JSON keygate's functions read", (*cli).apidocCompile},
		{"template", "write template.yaml with the document's operations in its API", (*cli).apidocTemplate},
	}},
	{"signing-key", "the identity assertion's signing keys (an upstream behind keygate)", []command{
		{"rotate", "replace the signing key, publishing the new one first", (*cli).signingKeyRotate},
		{"ls", "list the public keys the JWKS serves", (*cli).signingKeyList},
	}},
}

// run executes the command line args and returns the process exit code.
// Output goes to stdout; a failure is one line on stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	c := &cli{ctx: ctx, stdout: stdout, stderr: stderr, getenv: getenv, g: globalsFromEnv(getenv)}
	defer c.close()
	err := c.dispatch(args)
	switch {
	case err == nil, errors.Is(err, errHelp):
		return exitOK
	case isUsage(err):
		c.fail(err)
		return exitUsage
	default:
		c.fail(err)
		return exitFailure
	}
}

// dispatch parses the global flags, finds the command and runs it.
func (c *cli) dispatch(args []string) error {
	fs := c.newFlagSet("keygate", "<group> <command> [flags] [args]", "keygate administers keygate's DynamoDB table.")
	if err := fs.FlagSet.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			c.printHelp()
			return errHelp
		}
		// Not fs.parseError: its "<path>: " would repeat the "keygate: "
		// every error line starts with.
		return usageErrorf("%v (see keygate --help)", err)
	}
	args = fs.Args()
	if len(args) == 0 {
		return usageErrorf("missing command (see keygate --help)")
	}
	if args[0] == "help" {
		return c.help(args[1:])
	}
	if args[0] == "console-link" {
		return c.consoleLink(args[1:])
	}
	g, ok := findGroup(args[0])
	if !ok {
		return usageErrorf("unknown command %q (see keygate --help)", args[0])
	}
	if len(args) == 1 {
		return usageErrorf("%s: missing command: want one of %s (see keygate %s --help)", g.name, g.commandNames(), g.name)
	}
	if isHelpFlag(args[1]) {
		c.printGroupHelp(g)
		return errHelp
	}
	cmd, err := g.find(args[1])
	if err != nil {
		return err
	}
	return cmd.run(c, args[2:])
}

// help serves "keygate help [group [command]]".
func (c *cli) help(args []string) error {
	if len(args) == 0 {
		c.printHelp()
		return errHelp
	}
	g, ok := findGroup(args[0])
	if !ok {
		return usageErrorf("unknown command %q (see keygate --help)", args[0])
	}
	if len(args) == 1 {
		c.printGroupHelp(g)
		return errHelp
	}
	cmd, err := g.find(args[1])
	if err != nil {
		return err
	}
	return cmd.run(c, []string{"--help"})
}

func findGroup(name string) (group, bool) {
	for _, g := range groups {
		if g.name == name {
			return g, true
		}
	}
	return group{}, false
}

// find returns the group's command called name, or a usage error naming
// the group's commands.
func (g group) find(name string) (command, error) {
	for _, cmd := range g.commands {
		if cmd.name == name {
			return cmd, nil
		}
	}
	return command{}, usageErrorf("%s: unknown command %q: want one of %s", g.name, name, g.commandNames())
}

// commandNames lists the group's commands for error messages.
func (g group) commandNames() string {
	names := make([]string, len(g.commands))
	for i, cmd := range g.commands {
		names[i] = cmd.name
	}
	return strings.Join(names, ", ")
}

func isHelpFlag(s string) bool {
	return s == "-h" || s == "-help" || s == "--help" || s == "--h"
}

// fail writes err as one line on stderr.
func (c *cli) fail(err error) {
	msg := strings.Join(strings.Fields(c.describe(err)), " ")
	fmt.Fprintln(c.stderr, "keygate: "+msg)
}

// close releases the timeout context.
func (c *cli) close() {
	if c.cancel != nil {
		c.cancel()
	}
}
