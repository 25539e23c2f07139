package samtemplate

import (
	"fmt"
	"os"
	"sort"

	"gopkg.in/yaml.v3"
)

// Template is what keygate needs to know of a SAM template, with intrinsics resolved.
type Template struct {
	Parameters       map[string]Parameter       // by name; Value holds the override or default
	Stage            string                     // the API's StageName, resolved
	API              string                     // logical ID of the AWS::Serverless::Api
	Routes           []Route                    // every function's Api events, sorted by path, method
	Authorizer       Authorizer                 // the API's default REQUEST authorizer
	Cors             Cors                       // the API's Cors setting (static values as in the template)
	GatewayResponses map[string]GatewayResponse // keyed by type, e.g. "UNAUTHORIZED"
	Functions        map[string]Function        // keyed by logical ID
	Table            Table                      // the DynamoDB table (KeysTable)
	apiKeyRequired   bool                       // the API's Auth.ApiKeyRequired
	Outputs          map[string]string          // output name -> resolved value
	// APIKeySource is the API's ApiKeySourceType ("HEADER" when unset).
	APIKeySource string
	// UsagePlans are the AWS::ApiGateway::UsagePlan resources with the
	// values of their API keys.
	UsagePlans []UsagePlan
	// Proxies are the HTTP_PROXY methods of the API's DefinitionBody.
	Proxies []ProxyRoute
	// StreamMappings are the AWS::Lambda::EventSourceMapping resources on
	// the table's stream.
	StreamMappings []StreamMapping
	// SQSMappings are the functions' SQS events and the
	// AWS::Lambda::EventSourceMapping resources on a queue.
	SQSMappings []SQSMapping
	// SQSQueues are the AWS::SQS::Queue resources, by logical ID.
	SQSQueues map[string]SQSQueue
	// BinaryMediaTypes are the API's BinaryMediaTypes with SAM's "~1"
	// written as "/" (e.g. "image/png", "*/*").
	BinaryMediaTypes []string
	// Authorizers are the API's other authorizers (Auth.Authorizers but
	// the default), by name: what a DefinitionBody method's security names.
	Authorizers map[string]Authorizer
	// RateRules are the AWS WAF rate-based rules on the API's stage.
	RateRules []RateRule
}

// UsagePlan is an API Gateway usage plan: its throttle and quota (nil when
// unset) and the values of the API keys in it.
type UsagePlan struct {
	ID          string
	RateLimit   *float64
	BurstLimit  *int
	QuotaLimit  *int
	QuotaPeriod string // DAY, WEEK or MONTH
	KeyValues   []string
}

// Parameter is one template parameter.
type Parameter struct {
	Name           string
	Type           string
	Default        string // "" when the template has none
	HasDefault     bool
	Value          string // the override when given, else Default
	AllowedValues  []string
	AllowedPattern string
	MinValue       *float64
	MaxValue       *float64
}

// Route is one API route and the function that serves it.
type Route struct {
	Method     string // upper case, e.g. "GET" (or "ANY")
	Path       string // API Gateway form: "/open/apikeys/{keyId}"
	FunctionID string // logical ID of the function
	EventID    string // the event's name in the function's Events
	Authorized bool   // false only for Auth.Authorizer: NONE (or no default authorizer)
	Authorizer string // the authorizer's name when Authorized
	// APIKeyRequired is the event's Auth.ApiKeyRequired, or the API's.
	APIKeyRequired bool
}

// Authorizer is the API's default Lambda authorizer.
type Authorizer struct {
	Name            string   // e.g. "KeygateAuthorizer"
	FunctionID      string   // logical ID of the authorizer function
	PayloadType     string   // "REQUEST" or "TOKEN"
	IdentityHeader  string   // the first identity header, e.g. "Authorization"
	IdentityHeaders []string // all identity headers
	IdentityContext []string // context variables in the identity sources, e.g. "identity.sourceIp"
	TTLSeconds      int      // ReauthorizeEvery (API Gateway's default 300 when absent)
}

// Cors is the API's CORS setting; values are API Gateway static values ("'*'"): see Unquote.
type Cors struct {
	AllowOrigin, AllowHeaders, AllowMethods, MaxAge string
}

// GatewayResponse is one of the API's gateway responses.
type GatewayResponse struct {
	Type       string
	StatusCode int               // 0: keep the underlying error's status
	Headers    map[string]string // as in the template (static values quoted: "'*'"), intrinsics resolved
	Body       string            // the application/json response template
}

// Function is one AWS::Serverless::Function with the template's Globals applied.
type Function struct {
	CodeURI       string
	BuildMethod   string // Metadata.BuildMethod, e.g. "makefile"
	Runtime       string
	Handler       string
	Architectures []string
	MemorySize    int
	Timeout       int // seconds
	LogFormat     string
	LogGroup      string            // LoggingConfig.LogGroup, resolved to the log group's name
	Env           map[string]string // resolved environment (Globals merged)
	Policies      []Statement       // inline statements plus AWS::IAM::Policy resources on its role
	// ManagedPolicies lists Policies entries that are managed policy names/ARNs or SAM policy
	// templates (by template name); keygate uses none.
	ManagedPolicies []string
}

// Statement is one IAM policy statement.
type Statement struct {
	Sid       string
	Effect    string
	Actions   []string
	Resources []string // rendered text, e.g. "KeysTable.Arn/index/gsi1"
	// Conditions maps each condition operator to its keys' values, e.g.
	// "ForAllValues:StringLike" -> "dynamodb:LeadingKeys" -> ["KEY#*"].
	Conditions map[string]map[string][]string
}

// Table is the DynamoDB table's definition.
type Table struct {
	Name                string // !Ref of the table: TableName, the override for its logical ID, or the logical ID
	HashKey, RangeKey   string
	AttributeTypes      map[string]string    // attribute -> S/N/B
	GSIs                map[string][2]string // index name -> [hash key, range key]
	GSIProjections      map[string]string    // index name -> projection type
	TTLAttribute        string               // "" when TTL is not enabled
	BillingMode         string
	PointInTimeRecovery bool
	SSE                 bool
	StreamView          string // StreamSpecification.StreamViewType ("" without a stream)
	DeletionPolicy      string
	UpdateReplacePolicy string
}

// Load reads the SAM template at path. overrides sets parameter values (like
// `sam deploy --parameter-overrides`), pseudo parameters ("AWS::Region") and the value a
// resource's !Ref resolves to (e.g. "KeysTable": "keygate-local"). Unknown names and values a
// parameter does not allow are errors.
func Load(path string, overrides map[string]string) (*Template, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	t, err := Parse(data, overrides)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// Parse is Load on the template's bytes.
func Parse(data []byte, overrides map[string]string) (*Template, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	root := deref(&doc)
	if root == nil || root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("template is not a mapping")
	}
	r := &resolver{
		params:     map[string]string{},
		pseudo:     map[string]string{},
		refs:       map[string]string{},
		resources:  map[string]*yaml.Node{},
		conditions: map[string]*yaml.Node{},
		condDone:   map[string]bool{},
		condVal:    map[string]bool{},
	}
	for k, v := range pseudoDefaults {
		r.pseudo[k] = v
	}
	keys, vals := entries(get(root, "Resources"))
	for i, k := range keys {
		r.resources[k] = vals[i]
	}
	keys, vals = entries(get(root, "Conditions"))
	for i, k := range keys {
		r.conditions[k] = vals[i]
	}

	t := &Template{}
	var err error
	if t.Parameters, err = parameters(get(root, "Parameters")); err != nil {
		return nil, err
	}
	if err := applyOverrides(t.Parameters, r, overrides); err != nil {
		return nil, err
	}
	for name, p := range t.Parameters {
		r.params[name] = p.Value
	}
	if err := buildAPI(t, r); err != nil {
		return nil, err
	}
	if t.Functions, err = functions(r, get(get(root, "Globals"), "Function")); err != nil {
		return nil, err
	}
	if t.Routes, err = routes(r, t.Authorizer.Name, t.apiKeyRequired); err != nil {
		return nil, err
	}
	if t.API != "" {
		body := get(get(r.resources[t.API], "Properties"), "DefinitionBody")
		if t.Proxies, err = proxies(r, body, t.Authorizer.Name != "", t.apiKeyRequired); err != nil {
			return nil, fmt.Errorf("%s.DefinitionBody: %w", t.API, err)
		}
	}
	if t.StreamMappings, err = streamMappings(r); err != nil {
		return nil, err
	}
	if t.SQSMappings, err = sqsMappings(r); err != nil {
		return nil, err
	}
	if t.SQSQueues, err = sqsQueues(r); err != nil {
		return nil, err
	}
	if t.UsagePlans, err = usagePlans(r); err != nil {
		return nil, err
	}
	if t.RateRules, err = rateRules(r); err != nil {
		return nil, err
	}
	if t.Table, err = table(r); err != nil {
		return nil, err
	}
	t.Outputs = map[string]string{}
	keys, vals = entries(get(root, "Outputs"))
	for i, k := range keys {
		v, err := r.str(get(vals[i], "Value"))
		if err != nil {
			return nil, fmt.Errorf("output %s: %w", k, err)
		}
		t.Outputs[k] = v
	}
	return t, nil
}

// RoutesOf returns the routes served by the function with the given logical ID.
func (t *Template) RoutesOf(functionID string) []Route {
	var out []Route
	for _, rt := range t.Routes {
		if rt.FunctionID == functionID {
			out = append(out, rt)
		}
	}
	return out
}

// Unquote turns an API Gateway static value ("'*'") into its text ("*"); other values (mapping
// expressions such as method.request.header.Origin) are returned unchanged.
func Unquote(v string) string {
	if len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' {
		return v[1 : len(v)-1]
	}
	return v
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
