package config

import (
	"errors"
	"log/slog"
	"strings"

	"keygate/functions/internal/fnenv"
)

// DefaultAIContextWindow is ai.contextWindow when AI_CONTEXT_WINDOW is unset.
const DefaultAIContextWindow = 16000

// DefaultServerTimezone is serverTimezone when SERVER_TIMEZONE is unset.
const DefaultServerTimezone = "UTC"

// Config configures the config function: Tianji's public settings and the
// CORS origin.
type Config struct {
	AllowRegister             bool     // ALLOW_REGISTER
	WebsiteID                 string   // WEBSITE_ID ("" = null)
	AmapToken                 string   // AMAP_TOKEN ("" = null)
	MapboxToken               string   // MAPBOX_TOKEN ("" = null)
	AlphaMode                 bool     // ALPHA_MODE
	DisableAnonymousTelemetry bool     // DISABLE_ANONYMOUS_TELEMETRY
	CustomTrackerScriptName   string   // CUSTOM_TRACKER_SCRIPT_NAME ("" = null)
	ServerTimezone            string   // SERVER_TIMEZONE (default UTC)
	AuthProvider              []string // AUTH_PROVIDER, comma separated
	CustomAuthProviderIcon    string   // CUSTOM_AUTH_PROVIDER_ICON ("" = null)
	SMTPAvailable             bool     // SMTP_AVAILABLE
	EnableBilling             bool     // ENABLE_BILLING
	AIEnable                  bool     // AI_ENABLE
	AIContextWindow           int      // AI_CONTEXT_WINDOW (default 16000)
	EnableFunctionWorker      bool     // ENABLE_FUNCTION_WORKER
	TianjiBaseURL             string   // OBSERVABILITY_TIANJI_BASE_URL ("" = null)
	TianjiWebsiteID           string   // OBSERVABILITY_TIANJI_WEBSITE_ID ("" = null)

	// AllowOrigin is the CORS origin (CORS_ALLOW_ORIGIN, default "*").
	AllowOrigin string
	// LogLevel is the level of the logger built by main (LOG_LEVEL).
	LogLevel slog.Level
	// Logger receives request logs; nil means slog.Default().
	Logger *slog.Logger
}

// ConfigFromEnv reads the configuration once, at start. Every malformed
// variable is reported, by name, in one error.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	common, err := fnenv.Load(getenv, false)
	if err != nil {
		return Config{}, err
	}
	str := func(name string) string { return strings.TrimSpace(getenv(name)) }
	c := Config{
		WebsiteID:               str("WEBSITE_ID"),
		AmapToken:               str("AMAP_TOKEN"),
		MapboxToken:             str("MAPBOX_TOKEN"),
		CustomTrackerScriptName: str("CUSTOM_TRACKER_SCRIPT_NAME"),
		ServerTimezone:          str("SERVER_TIMEZONE"),
		AuthProvider:            splitList(getenv("AUTH_PROVIDER")),
		CustomAuthProviderIcon:  str("CUSTOM_AUTH_PROVIDER_ICON"),
		TianjiBaseURL:           str("OBSERVABILITY_TIANJI_BASE_URL"),
		TianjiWebsiteID:         str("OBSERVABILITY_TIANJI_WEBSITE_ID"),
		AllowOrigin:             common.AllowOrigin,
		LogLevel:                common.LogLevel,
	}
	if c.ServerTimezone == "" {
		c.ServerTimezone = DefaultServerTimezone
	}
	var errs []error
	boolVar := func(dst *bool, name string) {
		v, err := fnenv.Bool(getenv, name, false)
		*dst = v
		errs = append(errs, err)
	}
	boolVar(&c.AllowRegister, "ALLOW_REGISTER")
	boolVar(&c.AlphaMode, "ALPHA_MODE")
	boolVar(&c.DisableAnonymousTelemetry, "DISABLE_ANONYMOUS_TELEMETRY")
	boolVar(&c.SMTPAvailable, "SMTP_AVAILABLE")
	boolVar(&c.EnableBilling, "ENABLE_BILLING")
	boolVar(&c.AIEnable, "AI_ENABLE")
	boolVar(&c.EnableFunctionWorker, "ENABLE_FUNCTION_WORKER")
	c.AIContextWindow, err = fnenv.Int(getenv, "AI_CONTEXT_WINDOW", DefaultAIContextWindow)
	errs = append(errs, err)
	if err := errors.Join(errs...); err != nil {
		return Config{}, err
	}
	return c, nil
}

// splitList splits a comma list, trimming items and dropping empty ones.
func splitList(s string) []string {
	out := []string{}
	for part := range strings.SplitSeq(s, ",") {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}
