package main

import (
	"encoding/json"
	"fmt"
	"keygate/shared/keys"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// The JSON shapes the CLI prints: camelCase names and absent optional values
// null, and times in keys.TimeFormat (RFC 3339 UTC with milliseconds), as in
// the HTTP API's answers; a key is the API's (keys.View) with its userId.

type userView struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Email     string `json:"email"`
	Disabled  bool   `json:"disabled"`
	CreatedAt string `json:"createdAt"`
}

type workspaceView struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	CreatedAt string `json:"createdAt"`
}

type memberView struct {
	UserID      string `json:"userId"`
	WorkspaceID string `json:"workspaceId"`
	Role        string `json:"role"`
	CreatedAt   string `json:"createdAt"`
}

// keyView is a key as the CLI prints it: the API's view and, since an
// operator acts for any user, whose key it is.
type keyView struct {
	keys.View
	UserID string `json:"userId"`
	// APIKey is the token, set only by key create.
	APIKey string `json:"apiKey,omitempty"`
}

// list is the JSON shape of ls commands.
type list[T any] struct {
	Items []T `json:"items"`
}

func viewUser(u keys.User) userView {
	return userView{ID: u.ID, Name: u.Name, Email: u.Email, Disabled: u.Disabled, CreatedAt: formatTime(u.CreatedAt)}
}

func viewWorkspace(w keys.Workspace) workspaceView {
	return workspaceView{ID: w.ID, Name: w.Name, CreatedAt: formatTime(w.CreatedAt)}
}

func viewMember(m keys.Membership) memberView {
	return memberView{UserID: m.UserID, WorkspaceID: m.WorkspaceID, Role: string(m.Role), CreatedAt: formatTime(m.CreatedAt)}
}

// viewKey is k as the CLI prints it at now.
func viewKey(k keys.Key, now time.Time) keyView {
	return keyView{View: k.View(now), UserID: k.UserID}
}

// scopesText is a key's scopes as text: "read,write".
func scopesText(ss []keys.Scope) string {
	names := make([]string, len(ss))
	for i, s := range ss {
		names[i] = string(s)
	}
	return strings.Join(names, ",")
}

// formatTime writes t as keys.FormatTime does, or "" for no time.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return keys.FormatTime(t)
}

// orDash shows a missing value in text output.
func orDash(s *string) string {
	if s == nil || *s == "" {
		return "-"
	}
	return *s
}

// emit prints a command's result: v as JSON with --json, else what text
// writes.
func (c *cli) emit(v any, text func() error) error {
	if c.g.json {
		return c.printJSON(v)
	}
	return text()
}

// printJSON writes v as indented JSON.
func (c *cli) printJSON(v any) error {
	enc := json.NewEncoder(c.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// printFields writes label/value pairs, aligned.
func (c *cli) printFields(pairs ...string) error {
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	for i := 0; i+1 < len(pairs); i += 2 {
		fmt.Fprintf(tw, "%s\t%s\n", pairs[i], pairs[i+1])
	}
	return tw.Flush()
}

// printTable writes a header and rows, aligned.
func (c *cli) printTable(header []string, rows [][]string) error {
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}

func (c *cli) printUser(u keys.User) error {
	v := viewUser(u)
	return c.emit(v, func() error {
		return c.printFields("id", v.ID, "name", v.Name, "email", v.Email,
			"disabled", strconv.FormatBool(v.Disabled), "created", v.CreatedAt)
	})
}

func (c *cli) printWorkspace(w keys.Workspace) error {
	v := viewWorkspace(w)
	return c.emit(v, func() error {
		return c.printFields("id", v.ID, "name", v.Name, "created", v.CreatedAt)
	})
}

func (c *cli) printMember(m keys.Membership) error {
	v := viewMember(m)
	return c.emit(v, func() error {
		return c.printFields("user", v.UserID, "workspace", v.WorkspaceID, "role", v.Role, "created", v.CreatedAt)
	})
}
