package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"
)

// globals are the flags every command accepts, before the group or after
// the command.
type globals struct {
	table    string
	endpoint string
	region   string
	json     bool
	timeout  time.Duration
	actor    string
}

// defaultTimeout bounds a whole command, table creation included.
const defaultTimeout = 2 * time.Minute

// globalsFromEnv reads the defaults of the global flags from the environment.
func globalsFromEnv(getenv func(string) string) globals {
	table := getenv("KEYGATE_TABLE")
	if table == "" {
		table = getenv("TABLE_NAME")
	}
	return globals{
		table:    table,
		endpoint: getenv("DYNAMODB_ENDPOINT"),
		region:   getenv("AWS_REGION"),
		actor:    getenv("KEYGATE_ACTOR"),
		timeout:  defaultTimeout,
	}
}

// flagSet is a command's flags with what its help shows.
type flagSet struct {
	*flag.FlagSet
	c       *cli
	path    string // "user put"
	args    string // "<userId>"
	summary string
	global  map[string]bool
}

// newFlagSet returns a flag set for the command at path with the global
// flags registered on it. It never prints: parse turns problems into one-line
// errors and --help into the command's help on stdout.
func (c *cli) newFlagSet(path, args, summary string) *flagSet {
	fs := &flagSet{
		FlagSet: flag.NewFlagSet(path, flag.ContinueOnError),
		c:       c, path: path, args: args, summary: summary,
	}
	fs.SetOutput(io.Discard)
	fs.StringVar(&c.g.table, "table", c.g.table, "DynamoDB table `name` (env KEYGATE_TABLE, then TABLE_NAME)")
	fs.StringVar(&c.g.endpoint, "endpoint", c.g.endpoint, "DynamoDB endpoint `url`, e.g. http://127.0.0.1:8000; empty uses AWS (env DYNAMODB_ENDPOINT)")
	fs.StringVar(&c.g.region, "region", c.g.region, "AWS `region` (env AWS_REGION; us-east-1 with --endpoint)")
	fs.BoolVar(&c.g.json, "json", c.g.json, "print JSON")
	fs.DurationVar(&c.g.timeout, "timeout", c.g.timeout, "give up after this `duration`")
	fs.StringVar(&c.g.actor, "actor", c.g.actor, "the operator `name` the audit log records for key, webhook and membership changes (env KEYGATE_ACTOR; default the OS user)")
	fs.global = map[string]bool{"table": true, "endpoint": true, "region": true, "json": true, "timeout": true, "actor": true}
	return fs
}

// parse parses flags and positional arguments in any order (a "--" ends the
// flags), checks that there is one positional argument per name in the
// command's usage (fs.args) and validates each by its name (checkArg).
func (fs *flagSet) parse(args []string) ([]string, error) {
	names := strings.Fields(fs.args)
	var rest []string
	for i, a := range args {
		if a == "--" {
			args, rest = args[:i], args[i+1:]
			break
		}
	}
	var pos []string
	for {
		if err := fs.FlagSet.Parse(args); err != nil {
			return nil, fs.parseError(err)
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	pos = append(pos, rest...)
	if len(pos) != len(names) {
		want := "no arguments"
		if len(names) > 0 {
			want = strings.Join(names, " ")
		}
		return nil, usageErrorf("%s: want %s, got %d argument(s) (see keygate %s --help)", fs.path, want, len(pos), fs.path)
	}
	for i, name := range names {
		if err := checkArg(name, pos[i]); err != nil {
			return nil, err
		}
	}
	return pos, nil
}

// parseError turns a flag package error into --help output or a usage error.
func (fs *flagSet) parseError(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		fs.printHelp()
		return errHelp
	}
	return usageErrorf("%s: %v (see %s --help)", fs.path, err, commandLine(fs.path))
}

// isSet reports whether the flag was given on the command line.
func (fs *flagSet) isSet(name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			set = true
		}
	})
	return set
}

// commandLine is how the user types the command at path.
func commandLine(path string) string {
	if path == "keygate" {
		return path
	}
	return "keygate " + path
}

// printHelp writes the command's help to stdout.
func (fs *flagSet) printHelp() {
	w := fs.c.stdout
	fmt.Fprintf(w, "Usage: %s [flags] %s\n\n%s\n", commandLine(fs.path), fs.args, fs.summary)
	fs.printFlags(w, "Flags", func(name string) bool { return !fs.global[name] })
	fs.printFlags(w, "Global flags", func(name string) bool { return fs.global[name] })
}

func (fs *flagSet) printFlags(w io.Writer, title string, keep func(string) bool) {
	var lines []string
	fs.VisitAll(func(f *flag.Flag) {
		if !keep(f.Name) {
			return
		}
		typ, usage := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if typ != "" {
			line += " " + typ
		}
		line = fmt.Sprintf("%-24s %s", line, usage)
		if f.DefValue != "" && f.DefValue != "false" {
			line += " (default " + f.DefValue + ")"
		}
		lines = append(lines, line)
	})
	if len(lines) > 0 {
		fmt.Fprintf(w, "\n%s:\n%s\n", title, strings.Join(lines, "\n"))
	}
}
