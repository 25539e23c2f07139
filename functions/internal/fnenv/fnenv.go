package fnenv

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"

	"keygate/shared/awsenv"
	"keygate/shared/httpapi"
)

// Common holds the settings shared by the functions.
type Common struct {
	// TableName is the DynamoDB table (TABLE_NAME).
	TableName string
	// DynamoDBEndpoint is an optional DynamoDB-compatible endpoint (DYNAMODB_ENDPOINT).
	DynamoDBEndpoint string
	// Region is the AWS region (awsenv.Region: AWS_REGION, else
	// AWS_DEFAULT_REGION); "" when neither is set.
	Region string
	// AllowOrigin is the CORS origin (CORS_ALLOW_ORIGIN, default "*").
	AllowOrigin string
	// LogLevel is the slog level (LOG_LEVEL: debug, info, warn, error; default info).
	LogLevel slog.Level
}

// Load reads the shared settings. TABLE_NAME is required when needTable.
func Load(getenv func(string) string, needTable bool) (Common, error) {
	c := Common{
		TableName:        strings.TrimSpace(getenv("TABLE_NAME")),
		DynamoDBEndpoint: strings.TrimSpace(getenv("DYNAMODB_ENDPOINT")),
		Region:           strings.TrimSpace(awsenv.Region(getenv)),
		AllowOrigin:      strings.TrimSpace(getenv("CORS_ALLOW_ORIGIN")),
	}
	if needTable && c.TableName == "" {
		return Common{}, fmt.Errorf("TABLE_NAME is required")
	}
	if c.AllowOrigin == "" {
		c.AllowOrigin = httpapi.DefaultAllowOrigin
	}
	if strings.ContainsAny(c.AllowOrigin, "\r\n, ") {
		return Common{}, fmt.Errorf("CORS_ALLOW_ORIGIN %q: want one origin such as https://app.example.com, or *", c.AllowOrigin)
	}
	if lv := strings.TrimSpace(getenv("LOG_LEVEL")); lv != "" {
		if err := c.LogLevel.UnmarshalText([]byte(lv)); err != nil {
			return Common{}, fmt.Errorf("LOG_LEVEL %q: want debug, info, warn or error", lv)
		}
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

// Main is a bootstrap's main: it runs run, which wires the function and
// starts the Lambda runtime, and when run fails (a bad variable, a client that
// cannot be built) prints the error after name and exits 1, failing the
// Lambda's init with the reason.
func Main(name string, run func(context.Context) error) {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, name+":", err)
		os.Exit(1)
	}
}

// NewLogger returns the JSON logger the Lambdas write to stdout.
func NewLogger(level slog.Level) *slog.Logger {
	return slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: level}))
}
