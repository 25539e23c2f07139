package lambdaenv

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"keygate/shared/apikey"
	"keygate/shared/keys"
)

// This file is the one place in keygate's Lambdas that reads the
// environment: every variable is named and documented below, once, and
// parsed into the typed settings of the Lambda that reads it. Everything
// else takes those settings.

// The variables. template.yaml sets them (Globals for every function, then
// each function's own Environment); Lambda sets the AWS_* ones; the local
// stack (dev/gateway/inproc) sets the same from the template. Every value
// is trimmed, and an empty one counts as unset.
const (
	// METRICS_NAMESPACE is the CloudWatch namespace of the embedded
	// metrics in the authorizer's and the webhook worker's log lines
	// (keygate/<stack>); empty: none.
	varMetricsNamespace = "METRICS_NAMESPACE"
	// TABLE_NAME is the DynamoDB table (KeysTable); required by every
	// Lambda on the table, that is all but ConfigFunction.
	varTable = "TABLE_NAME"
	// DYNAMODB_ENDPOINT is a DynamoDB-compatible endpoint such as
	// DynamoDB Local; "" (the template's) is DynamoDB in the function's
	// region. env.json sets it for sam local. With one, the AWS clients
	// fall back to placeholder credentials when the environment has none.
	varDynamoDBEndpoint = "DYNAMODB_ENDPOINT"
	// LOG_LEVEL is the level of the JSON logs (LogLevel): debug, info,
	// warn or error, any case; default info.
	varLogLevel = "LOG_LEVEL"
	// KEY_PREFIX starts every token (KeyPrefix): ^[a-z][a-z0-9]{0,15}$,
	// default sk. The authorizer, the apikeys function and the CLI read it.
	varKeyPrefix = "KEY_PREFIX"
	// CORS_ALLOW_ORIGIN is the HTTP functions' Access-Control-Allow-Origin
	// (CorsAllowOrigin): one origin, or * (the default).
	varAllowOrigin = "CORS_ALLOW_ORIGIN"

	// AWS_REGION, else AWS_DEFAULT_REGION, is the function's region; Lambda
	// sets both.
	varRegion        = "AWS_REGION"
	varDefaultRegion = "AWS_DEFAULT_REGION"
	// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN are the
	// execution role's credentials, as Lambda sets them.
	varAccessKeyID     = "AWS_ACCESS_KEY_ID"
	varSecretAccessKey = "AWS_SECRET_ACCESS_KEY"
	varSessionToken    = "AWS_SESSION_TOKEN"

	// AUTHORIZER_CACHE_TTL is API Gateway's authorizer cache TTL in seconds
	// (AuthorizerCacheTtl), 0 to 3600; 0 is off. Unset counts as the
	// longest, 3600: the revocation safeguards that a cache needs are then
	// kept, only a little slower if it is in fact off. The authorizer and
	// the apikeys function read it.
	varCacheTTL = "AUTHORIZER_CACHE_TTL"
	// USAGE_KEY_OPEN, USAGE_KEY_THROTTLED and USAGE_KEY_EXHAUSTED are the
	// values of the usage plans' API keys, all three or none: the
	// authorizer returns one as usageIdentifierKey.
	varUsageKeyOpen      = "USAGE_KEY_OPEN"
	varUsageKeyThrottled = "USAGE_KEY_THROTTLED"
	varUsageKeyExhausted = "USAGE_KEY_EXHAUSTED"
	// UPSTREAM_URL is the upstream (UpstreamUrl): an http or https URL,
	// the identity assertion's aud; "" is no upstream, and the authorizer
	// then signs nothing and reads none of the four below.
	varUpstreamURL = "UPSTREAM_URL"
	// ASSERTION_ISSUER is the assertion's iss (AssertionIssuer); "" derives
	// it from each request's stage.
	varAssertionIssuer = "ASSERTION_ISSUER"
	// ASSERTION_LIFETIME is how long an assertion lives, in seconds
	// (AssertionLifetime): 60 to 3660; unset, the authorizer's default.
	varAssertionLifetime = "ASSERTION_LIFETIME"
	// SIGNING_KEY_SECRET (the Secrets Manager secret, on AWS) or
	// SIGNING_KEY_FILE (the local stack's file) holds the signing key set:
	// exactly one, with an upstream.
	varSigningKeySecret = "SIGNING_KEY_SECRET"
	varSigningKeyFile   = "SIGNING_KEY_FILE"

	// CURSOR_KEY authenticates the apikeys function's list cursors: at
	// least 32 characters (template.yaml generates it in Secrets Manager).
	varCursorKey = "CURSOR_KEY"
	// AUDIT_RETENTION_DAYS is how long audit events are kept, in days
	// (AuditRetentionDays): 1 or more, default 90. The apikeys and webhooks
	// functions and the CLI read it.
	varAuditRetention = "AUDIT_RETENTION_DAYS"
	varUsageRetention = "USAGE_RETENTION_DAYS"
	// MAX_RATE_LIMIT (requests per second above 0), MAX_BURST and
	// MAX_QUOTA (whole numbers above 0) cap the keys' limits;
	// DEFAULT_RATE_LIMIT ("100/s:200") and DEFAULT_QUOTA ("10000/day") are
	// those of keys created without one (keys.LimitSettings). The template's
	// MaxRateLimit, MaxBurst, MaxQuota, DefaultRateLimit and DefaultQuota.
	varMaxRateLimit     = "MAX_RATE_LIMIT"
	varMaxBurst         = "MAX_BURST"
	varMaxQuota         = "MAX_QUOTA"
	varDefaultRateLimit = "DEFAULT_RATE_LIMIT"
	varDefaultQuota     = "DEFAULT_QUOTA"

	// WEBHOOK_ALLOW_LOOPBACK=true lets webhook endpoints use http:// on
	// loopback hosts and deliveries reach them: the local stack only; the
	// template never sets it.
	varAllowLoopback = "WEBHOOK_ALLOW_LOOPBACK"
	// DEAD_LETTER_QUEUE_URL is the SQS queue of the deliveries given up on
	// (WebhookDeadLetterQueue).
	varDeadLetterQueueURL = "DEAD_LETTER_QUEUE_URL"
	// DELIVERY_QUEUE_URL is the SQS queue of webhook deliveries
	// (WebhookDeliveryQueue): the stream's fan-out sends to it, the worker
	// reads it.
	varDeliveryQueueURL = "DELIVERY_QUEUE_URL"
	// SQS_ENDPOINT is an optional SQS-compatible endpoint: the local
	// stack's; the template never sets it.
	varSQSEndpoint = "SQS_ENDPOINT"
	// WORKER_CONCURRENCY is the worker's event source's
	// MaximumConcurrency (WebhookWorkerConcurrency): half of it may attempt
	// failing or slow endpoints at once.
	varWorkerConcurrency = "WORKER_CONCURRENCY"

	// ConfigFunction's: Tianji's public settings, served as
	// GET /open/global/config. The booleans take true or false (or 1 and
	// 0, any case; default false); AUTH_PROVIDER is a comma-separated list;
	// AI_CONTEXT_WINDOW a non-negative integer (default 16000);
	// SERVER_TIMEZONE defaults to UTC; the other strings are null when
	// empty.
	varAllowRegister             = "ALLOW_REGISTER"
	varWebsiteID                 = "WEBSITE_ID"
	varAmapToken                 = "AMAP_TOKEN"
	varMapboxToken               = "MAPBOX_TOKEN"
	varAlphaMode                 = "ALPHA_MODE"
	varDisableAnonymousTelemetry = "DISABLE_ANONYMOUS_TELEMETRY"
	varCustomTrackerScriptName   = "CUSTOM_TRACKER_SCRIPT_NAME"
	varServerTimezone            = "SERVER_TIMEZONE"
	varAuthProvider              = "AUTH_PROVIDER"
	varCustomAuthProviderIcon    = "CUSTOM_AUTH_PROVIDER_ICON"
	varSMTPAvailable             = "SMTP_AVAILABLE"
	varEnableBilling             = "ENABLE_BILLING"
	varAIEnable                  = "AI_ENABLE"
	varAIContextWindow           = "AI_CONTEXT_WINDOW"
	varEnableFunctionWorker      = "ENABLE_FUNCTION_WORKER"
	varTianjiBaseURL             = "OBSERVABILITY_TIANJI_BASE_URL"
	varTianjiWebsiteID           = "OBSERVABILITY_TIANJI_WEBSITE_ID"
)

// Defaults and bounds of the variables above.
const (
	// DefaultAllowOrigin is CORS_ALLOW_ORIGIN's default (httpapi's too).
	DefaultAllowOrigin = "*"
	// MaxCacheTTL is the longest authorizer cache TTL API Gateway allows,
	// and AUTHORIZER_CACHE_TTL's value when unset.
	MaxCacheTTL = time.Hour
	// MinAssertionLifetime and MaxAssertionLifetime bound
	// ASSERTION_LIFETIME, as the template's AssertionLifetime
	// (assertion.MaxLifetime is the longest keygate issues).
	MinAssertionLifetime = time.Minute
	MaxAssertionLifetime = time.Hour + time.Minute
	// DefaultServerTimezone is SERVER_TIMEZONE's default.
	DefaultServerTimezone = "UTC"
	// DefaultAIContextWindow is AI_CONTEXT_WINDOW's default.
	DefaultAIContextWindow = 16000
)

// Env is an environment to read settings from: OS on Lambda, Map in the
// local stack and in tests. The zero Env is empty.
type Env struct {
	get func(string) string
}

// OS is the process's environment: what Lambda sets from template.yaml
// and its own AWS_* variables. It is the only reader of the process
// environment in the code that ships.
func OS() Env { return Env{get: os.Getenv} }

// Map is the environment m: the local stack's (template.yaml's variables
// of one function) and the tests'.
func Map(m map[string]string) Env {
	return Env{get: func(name string) string { return m[name] }}
}

// FromGetenv is the environment getenv reads: for a program whose tests
// inject its environment as a function (the CLI), so that it reads the
// variables it shares with the Lambdas as they do.
func FromGetenv(getenv func(string) string) Env { return Env{get: getenv} }

// raw is the variable's value as set.
func (e Env) raw(name string) string {
	if e.get == nil {
		return ""
	}
	return e.get(name)
}

// value is the variable's value, trimmed.
func (e Env) value(name string) string { return strings.TrimSpace(e.raw(name)) }

// AWS is what Lambda puts in every function's environment for the SDK
// clients (shared/awsenv builds their credentials; no shared-config loader).
type AWS struct {
	// Region is AWS_REGION, else AWS_DEFAULT_REGION; "" when neither is set.
	Region string
	// AccessKeyID, SecretAccessKey and SessionToken are AWS_ACCESS_KEY_ID,
	// AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, as set (not trimmed).
	AccessKeyID, SecretAccessKey, SessionToken string
}

// DynamoDB locates the table.
type DynamoDB struct {
	Table    string // TABLE_NAME
	Endpoint string // DYNAMODB_ENDPOINT ("" = AWS)
}

// Local reports whether the Lambda talks to a custom endpoint (sam local,
// the local stack), where its AWS clients may use placeholder credentials.
func (d DynamoDB) Local() bool { return d.Endpoint != "" }

// TableFunction holds what every HTTP function on the table reads; it is
// all IdentityFunction and JwksFunction read.
type TableFunction struct {
	LogLevel    slog.Level // LOG_LEVEL
	AWS         AWS
	DynamoDB    DynamoDB
	AllowOrigin string // CORS_ALLOW_ORIGIN
}

// APIKeys is ApiKeysFunction's environment.
type APIKeys struct {
	TableFunction
	KeyPrefix string // KEY_PREFIX
	// CursorKey is CURSOR_KEY.
	CursorKey []byte
	// AuthorizerCacheTTL is AUTHORIZER_CACHE_TTL (MaxCacheTTL when unset):
	// above 0, a delete or rotation flushes the cache twice.
	AuthorizerCacheTTL time.Duration
	AuditRetention     time.Duration // AUDIT_RETENTION_DAYS
	// Limits are MAX_RATE_LIMIT, MAX_BURST, MAX_QUOTA, DEFAULT_RATE_LIMIT
	// and DEFAULT_QUOTA over keys.DefaultLimits.
	Limits keys.Limits
	// TokenLimits are TOKEN_RATE_LIMIT and TOKEN_QUOTA: what a token may
	// give the keys it makes.
	TokenLimits keys.TokenLimits
}

// Webhooks is WebhooksFunction's environment.
type Webhooks struct {
	TableFunction
	AllowLoopback  bool          // WEBHOOK_ALLOW_LOOPBACK
	AuditRetention time.Duration // AUDIT_RETENTION_DAYS
}

// WebhookDelivery is WebhookDeliveryFunction's environment: the stream's
// fan-out, no HTTP.
type WebhookDelivery struct {
	LogLevel         slog.Level // LOG_LEVEL
	AWS              AWS
	DynamoDB         DynamoDB
	DeliveryQueueURL string // DELIVERY_QUEUE_URL (required)
	SQSEndpoint      string // SQS_ENDPOINT ("" = AWS)
}

// UsageAggregator is UsageAggregatorFunction's environment.
type UsageAggregator struct {
	LogLevel  slog.Level // LOG_LEVEL
	AWS       AWS
	DynamoDB  DynamoDB
	Retention time.Duration // USAGE_RETENTION_DAYS (default 90)
}

// DefaultUsageRetention is how long usage buckets are kept when
// USAGE_RETENTION_DAYS is not set: the page's daily chart.
const DefaultUsageRetention = 90 * 24 * time.Hour

// WebhookWorker is WebhookWorkerFunction's environment: one attempt per
// queued delivery.
type WebhookWorker struct {
	LogLevel           slog.Level // LOG_LEVEL
	AWS                AWS
	DynamoDB           DynamoDB
	DeliveryQueueURL   string        // DELIVERY_QUEUE_URL (required)
	DeadLetterQueueURL string        // DEAD_LETTER_QUEUE_URL (required)
	SQSEndpoint        string        // SQS_ENDPOINT ("" = AWS)
	AllowLoopback      bool          // WEBHOOK_ALLOW_LOOPBACK
	AuditRetention     time.Duration // AUDIT_RETENTION_DAYS (the webhook.disabled events it writes)
	Concurrency        int           // WORKER_CONCURRENCY (default 50, the template's default)
	MetricsNamespace   string        // METRICS_NAMESPACE ("" = no embedded metrics)
}

// Authorizer is AuthorizerFunction's environment.
type Authorizer struct {
	LogLevel  slog.Level // LOG_LEVEL
	AWS       AWS
	DynamoDB  DynamoDB
	KeyPrefix string // KEY_PREFIX
	// AuthorizerCacheTTL is AUTHORIZER_CACHE_TTL (MaxCacheTTL when unset).
	AuthorizerCacheTTL time.Duration
	UsageKeys          UsageKeys
	Upstream           Upstream
	// JWT is the OpenID provider whose access tokens are accepted.
	JWT JWT
	// MetricsNamespace is METRICS_NAMESPACE: the CloudWatch namespace of
	// the decision lines' embedded metrics ("" for none).
	MetricsNamespace string
}

// UsageKeys are USAGE_KEY_OPEN, USAGE_KEY_THROTTLED and
// USAGE_KEY_EXHAUSTED (all "" in a stack without usage plans).
type UsageKeys struct {
	Open, Throttled, Exhausted string
}

// Upstream is the identity assertion's settings; all zero without
// UPSTREAM_URL.
type Upstream struct {
	URL              string        // UPSTREAM_URL
	Issuer           string        // ASSERTION_ISSUER
	Lifetime         time.Duration // ASSERTION_LIFETIME (0: unset)
	SigningKeySecret string        // SIGNING_KEY_SECRET
	SigningKeyFile   string        // SIGNING_KEY_FILE
}

// ConfigFunction is ConfigFunction's environment: it has no table.
type ConfigFunction struct {
	LogLevel    slog.Level // LOG_LEVEL
	AllowOrigin string     // CORS_ALLOW_ORIGIN
	Global      GlobalConfig
	// ConsoleSignIn is the API Keys page's sign-in with the OpenID
	// provider (ClientID "" when off).
	ConsoleSignIn ConsoleSignIn
}

// GlobalConfig is Tianji's public settings, GET /open/global/config.
type GlobalConfig struct {
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
}

// TableFunction reads an HTTP function's settings on the table (TABLE_NAME
// required). Every bad variable is reported, by name, in one error, as by
// the other readers.
func (e Env) TableFunction() (TableFunction, error) {
	r := e.reader()
	s := r.tableFunction()
	return s, r.err()
}

// APIKeys reads ApiKeysFunction's settings.
func (e Env) APIKeys() (APIKeys, error) {
	r := e.reader()
	s := APIKeys{TableFunction: r.tableFunction(), KeyPrefix: r.keyPrefix(), AuthorizerCacheTTL: r.cacheTTL(),
		AuditRetention: r.auditRetention(), Limits: r.limits(), TokenLimits: r.tokenLimits()}
	if key := e.value(varCursorKey); len(key) < keys.MinCursorKeyLen {
		r.fail(fmt.Errorf("%s is required: at least %d characters of random (template.yaml generates it)", varCursorKey, keys.MinCursorKeyLen))
	} else {
		s.CursorKey = []byte(key)
	}
	return s, r.err()
}

// Webhooks reads WebhooksFunction's settings.
func (e Env) Webhooks() (Webhooks, error) {
	r := e.reader()
	s := Webhooks{TableFunction: r.tableFunction(), AllowLoopback: r.boolean(varAllowLoopback),
		AuditRetention: r.auditRetention()}
	return s, r.err()
}

// WebhookDelivery reads WebhookDeliveryFunction's settings.
func (e Env) WebhookDelivery() (WebhookDelivery, error) {
	r := e.reader()
	s := WebhookDelivery{LogLevel: r.logLevel(), AWS: e.AWS(), DynamoDB: r.dynamoDB(),
		DeliveryQueueURL: r.required(varDeliveryQueueURL), SQSEndpoint: e.value(varSQSEndpoint)}
	return s, r.err()
}

// UsageAggregator reads UsageAggregatorFunction's settings.
func (e Env) UsageAggregator() (UsageAggregator, error) {
	r := e.reader()
	s := UsageAggregator{LogLevel: r.logLevel(), AWS: e.AWS(), DynamoDB: r.dynamoDB(), Retention: r.days(varUsageRetention, DefaultUsageRetention)}
	return s, r.err()
}

// WebhookWorker reads WebhookWorkerFunction's settings.
func (e Env) WebhookWorker() (WebhookWorker, error) {
	r := e.reader()
	s := WebhookWorker{LogLevel: r.logLevel(), AWS: e.AWS(), DynamoDB: r.dynamoDB(),
		DeliveryQueueURL: r.required(varDeliveryQueueURL), DeadLetterQueueURL: r.required(varDeadLetterQueueURL),
		SQSEndpoint: e.value(varSQSEndpoint), AllowLoopback: r.boolean(varAllowLoopback), AuditRetention: r.auditRetention(),
		Concurrency: r.count(varWorkerConcurrency, defaultWorkerConcurrency), MetricsNamespace: e.value(varMetricsNamespace)}
	return s, r.err()
}

// Authorizer reads AuthorizerFunction's settings.
func (e Env) Authorizer() (Authorizer, error) {
	r := e.reader()
	s := Authorizer{LogLevel: r.logLevel(), AWS: e.AWS(), DynamoDB: r.dynamoDB(), KeyPrefix: r.keyPrefix(),
		AuthorizerCacheTTL: r.cacheTTL(), Upstream: r.upstream(), JWT: r.jwt(), MetricsNamespace: e.value(varMetricsNamespace),
		UsageKeys: UsageKeys{Open: e.value(varUsageKeyOpen), Throttled: e.value(varUsageKeyThrottled), Exhausted: e.value(varUsageKeyExhausted)}}
	if u := s.UsageKeys; (u.Open == "") != (u.Throttled == "") || (u.Open == "") != (u.Exhausted == "") {
		r.fail(fmt.Errorf("%s, %s and %s go together", varUsageKeyOpen, varUsageKeyThrottled, varUsageKeyExhausted))
	}
	return s, r.err()
}

// ConfigFunction reads ConfigFunction's settings (no table).
func (e Env) ConfigFunction() (ConfigFunction, error) {
	r := e.reader()
	g := GlobalConfig{
		AllowRegister:             r.boolean(varAllowRegister),
		WebsiteID:                 e.value(varWebsiteID),
		AmapToken:                 e.value(varAmapToken),
		MapboxToken:               e.value(varMapboxToken),
		AlphaMode:                 r.boolean(varAlphaMode),
		DisableAnonymousTelemetry: r.boolean(varDisableAnonymousTelemetry),
		CustomTrackerScriptName:   e.value(varCustomTrackerScriptName),
		ServerTimezone:            e.value(varServerTimezone),
		AuthProvider:              splitList(e.raw(varAuthProvider)),
		CustomAuthProviderIcon:    e.value(varCustomAuthProviderIcon),
		SMTPAvailable:             r.boolean(varSMTPAvailable),
		EnableBilling:             r.boolean(varEnableBilling),
		AIEnable:                  r.boolean(varAIEnable),
		AIContextWindow:           r.count(varAIContextWindow, DefaultAIContextWindow),
		EnableFunctionWorker:      r.boolean(varEnableFunctionWorker),
		TianjiBaseURL:             e.value(varTianjiBaseURL),
		TianjiWebsiteID:           e.value(varTianjiWebsiteID),
	}
	if g.ServerTimezone == "" {
		g.ServerTimezone = DefaultServerTimezone
	}
	s := ConfigFunction{LogLevel: r.logLevel(), AllowOrigin: r.allowOrigin(), Global: g, ConsoleSignIn: r.consoleSignIn()}
	return s, r.err()
}

// AWS reads the region and credentials.
func (e Env) AWS() AWS {
	region := e.value(varRegion)
	if region == "" {
		region = e.value(varDefaultRegion)
	}
	return AWS{Region: region, AccessKeyID: e.raw(varAccessKeyID), SecretAccessKey: e.raw(varSecretAccessKey),
		SessionToken: e.raw(varSessionToken)}
}

// KeyPrefix reads KEY_PREFIX alone, for the CLI and the local stack.
func (e Env) KeyPrefix() (string, error) {
	r := e.reader()
	p := r.keyPrefix()
	return p, r.err()
}

// AuditRetention reads AUDIT_RETENTION_DAYS alone, for the CLI.
func (e Env) AuditRetention() (time.Duration, error) {
	r := e.reader()
	d := r.auditRetention()
	return d, r.err()
}

// reader parses variables of e, collecting an error per bad one.
type reader struct {
	e    Env
	errs []error
}

func (e Env) reader() *reader { return &reader{e: e} }

func (r *reader) fail(err error) { r.errs = append(r.errs, err) }

// err is every failure, or nil.
func (r *reader) err() error { return errors.Join(r.errs...) }

func (r *reader) tableFunction() TableFunction {
	return TableFunction{LogLevel: r.logLevel(), AWS: r.e.AWS(), DynamoDB: r.dynamoDB(), AllowOrigin: r.allowOrigin()}
}

func (r *reader) dynamoDB() DynamoDB {
	d := DynamoDB{Table: r.e.value(varTable), Endpoint: r.e.value(varDynamoDBEndpoint)}
	if d.Table == "" {
		r.fail(fmt.Errorf("%s is required", varTable))
	}
	return d
}

// defaultWorkerConcurrency is WebhookWorkerConcurrency's default.
const defaultWorkerConcurrency = 50

// required is a variable that must be set.
func (r *reader) required(name string) string {
	v := r.e.value(name)
	if v == "" {
		r.fail(fmt.Errorf("%s is required", name))
	}
	return v
}

func (r *reader) logLevel() slog.Level {
	var l slog.Level
	if v := r.e.value(varLogLevel); v != "" {
		if err := l.UnmarshalText([]byte(v)); err != nil {
			r.fail(fmt.Errorf("%s %q: want debug, info, warn or error", varLogLevel, v))
			return slog.LevelInfo
		}
	}
	return l
}

func (r *reader) allowOrigin() string {
	v := r.e.value(varAllowOrigin)
	if v == "" {
		return DefaultAllowOrigin
	}
	if strings.ContainsAny(v, "\r\n, ") {
		r.fail(fmt.Errorf("%s %q: want one origin such as https://app.example.com, or *", varAllowOrigin, v))
	}
	return v
}

func (r *reader) keyPrefix() string {
	v := r.e.value(varKeyPrefix)
	if v == "" {
		return apikey.DefaultPrefix
	}
	if !apikey.ValidPrefix(v) {
		r.fail(fmt.Errorf("%s %q: want ^[a-z][a-z0-9]{0,15}$", varKeyPrefix, v))
	}
	return v
}

func (r *reader) cacheTTL() time.Duration {
	v := r.e.value(varCacheTTL)
	if v == "" {
		return MaxCacheTTL
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || time.Duration(n)*time.Second > MaxCacheTTL {
		r.fail(fmt.Errorf("%s %q: want seconds from 0 to %d", varCacheTTL, v, int(MaxCacheTTL.Seconds())))
		return MaxCacheTTL
	}
	return time.Duration(n) * time.Second
}

func (r *reader) auditRetention() time.Duration {
	return r.days(varAuditRetention, keys.DefaultAuditRetention)
}

// days reads a number of days, 1 or more (def when unset).
func (r *reader) days(name string, def time.Duration) time.Duration {
	v := r.e.value(name)
	if v == "" {
		return def
	}
	days, err := strconv.Atoi(v)
	if err != nil || days < 1 {
		r.fail(fmt.Errorf("%s %q: want a number of days, 1 or more", name, v))
		return def
	}
	return time.Duration(days) * 24 * time.Hour
}

// limits parses the limit variables in keys.LimitSettings' order, adding
// one at a time, so that an error names the variable that caused it.
func (r *reader) limits() keys.Limits {
	var s keys.LimitSettings
	for _, v := range []struct {
		name string
		dst  *string
	}{
		{varMaxRateLimit, &s.MaxRatePerSecond}, {varMaxBurst, &s.MaxBurst}, {varMaxQuota, &s.MaxQuota},
		{varDefaultRateLimit, &s.DefaultRate}, {varDefaultQuota, &s.DefaultQuota},
	} {
		*v.dst = r.e.value(v.name)
		if _, err := s.Parse(); err != nil {
			r.fail(fmt.Errorf("%s: %w", v.name, err))
			return keys.DefaultLimits
		}
	}
	l, _ := s.Parse()
	return l
}

func (r *reader) upstream() Upstream {
	u := Upstream{URL: r.e.value(varUpstreamURL)}
	if u.URL == "" {
		return Upstream{}
	}
	if p, err := url.Parse(u.URL); err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
		r.fail(fmt.Errorf("%s %q: want an http or https URL", varUpstreamURL, u.URL))
	}
	u.Issuer = r.e.value(varAssertionIssuer)
	if v := r.e.value(varAssertionLifetime); v != "" {
		n, err := strconv.Atoi(v)
		u.Lifetime = time.Duration(n) * time.Second
		if err != nil || u.Lifetime < MinAssertionLifetime || u.Lifetime > MaxAssertionLifetime {
			r.fail(fmt.Errorf("%s %q: want seconds from %d to %d", varAssertionLifetime, v,
				int(MinAssertionLifetime.Seconds()), int(MaxAssertionLifetime.Seconds())))
		}
	}
	u.SigningKeySecret = r.e.value(varSigningKeySecret)
	u.SigningKeyFile = r.e.value(varSigningKeyFile)
	if (u.SigningKeySecret == "") == (u.SigningKeyFile == "") {
		r.fail(fmt.Errorf("%s needs exactly one of %s and %s", varUpstreamURL, varSigningKeySecret, varSigningKeyFile))
	}
	return u
}

// boolean parses true/false/1/0 (any case); unset is false.
func (r *reader) boolean(name string) bool {
	v := r.e.value(name)
	if v == "" {
		return false
	}
	b, err := strconv.ParseBool(strings.ToLower(v))
	if err != nil {
		r.fail(fmt.Errorf("%s %q: want true or false", name, v))
	}
	return b
}

// count parses a non-negative integer; unset is def.
func (r *reader) count(name string, def int) int {
	v := r.e.value(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		r.fail(fmt.Errorf("%s %q: want a non-negative integer", name, v))
		return def
	}
	return n
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
