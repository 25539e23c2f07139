package fnenv

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"keygate/shared/httpapi"
	"keygate/shared/keys"
	"keygate/shared/lambdaenv"
)

// Common holds the settings shared by the functions: those of every keygate
// Lambda, and the CORS origin of the HTTP functions.
type Common struct {
	lambdaenv.Base
	// AllowOrigin is the CORS origin (CORS_ALLOW_ORIGIN, default "*").
	AllowOrigin string
}

// Load reads the shared settings. TABLE_NAME is required when needTable.
func Load(getenv func(string) string, needTable bool) (Common, error) {
	base, err := lambdaenv.Load(getenv, needTable)
	if err != nil {
		return Common{}, err
	}
	c := Common{Base: base, AllowOrigin: strings.TrimSpace(getenv("CORS_ALLOW_ORIGIN"))}
	if c.AllowOrigin == "" {
		c.AllowOrigin = httpapi.DefaultAllowOrigin
	}
	if strings.ContainsAny(c.AllowOrigin, "\r\n, ") {
		return Common{}, fmt.Errorf("CORS_ALLOW_ORIGIN %q: want one origin such as https://app.example.com, or *", c.AllowOrigin)
	}
	return c, nil
}

// Bool parses a boolean variable: "" is def; otherwise true/false/1/0 (any
// case), with an error naming the variable.
func Bool(getenv func(string) string, name string, def bool) (bool, error) {
	v := strings.TrimSpace(getenv(name))
	if v == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(strings.ToLower(v))
	if err != nil {
		return false, fmt.Errorf("%s %q: want true or false", name, v)
	}
	return b, nil
}

// Int parses a non-negative integer variable: "" is def.
func Int(getenv func(string) string, name string, def int) (int, error) {
	v := strings.TrimSpace(getenv(name))
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s %q: want a non-negative integer", name, v)
	}
	return n, nil
}

// AuditRetention reads AUDIT_RETENTION_DAYS (the template's
// AuditRetentionDays), how long the audit events a function writes are
// kept: default keys.DefaultAuditRetention, at least a day.
func AuditRetention(getenv func(string) string) (time.Duration, error) {
	days, err := Int(getenv, "AUDIT_RETENTION_DAYS", int(keys.DefaultAuditRetention/(24*time.Hour)))
	if err != nil || days < 1 {
		return 0, fmt.Errorf("AUDIT_RETENTION_DAYS %q: want a number of days, 1 or more", getenv("AUDIT_RETENTION_DAYS"))
	}
	return time.Duration(days) * 24 * time.Hour, nil
}
