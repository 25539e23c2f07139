package authorizer

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"keygate/shared/access"
	"keygate/shared/apidoc"
	"keygate/shared/apikey"
	"keygate/shared/assertion"
	"keygate/shared/keys"
	"keygate/shared/lambdaenv"
)

// nonIOFixture is what one uncached Allow works on besides DynamoDB: a
// valid token, its key, three workspaces and a full allowlist.
type nonIOFixture struct {
	token       string
	key         keys.Key
	memberships []keys.Membership
	allowlist   []netip.Prefix
	sourceIP    string
	methodARN   string
}

func newNonIOFixture(tb testing.TB) nonIOFixture {
	tb.Helper()
	k, err := apikey.Generate(apikey.DefaultPrefix)
	if err != nil {
		tb.Fatal(err)
	}
	var nets []string
	for i := range keys.MaxAllowedCIDRs {
		nets = append(nets, fmt.Sprintf("10.%d.0.0/16", i))
	}
	allowlist, err := keys.ParseCIDRs(nets)
	if err != nil {
		tb.Fatal(err)
	}
	return nonIOFixture{
		token: k.Token,
		key:   keys.Key{ID: k.ID, UserID: "clx9q2w3e4r5t6y7u8i9o0p1a", Scopes: keys.AllScopes},
		memberships: []keys.Membership{
			{WorkspaceID: "clx9q2w3e4r5t6y7u8i9o0p1b", Role: keys.RoleOwner},
			{WorkspaceID: "clx9q2w3e4r5t6y7u8i9o0p1c", Role: keys.RoleAdmin},
			{WorkspaceID: "clx9q2w3e4r5t6y7u8i9o0p1d", Role: keys.RoleReadOnly},
		},
		allowlist: allowlist,
		// The address matches the last network of the allowlist.
		sourceIP:  fmt.Sprintf("10.%d.7.7", keys.MaxAllowedCIDRs-1),
		methodARN: "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/v1/GET/open/workspace/clx9q2w3e4r5t6y7u8i9o0p1b",
	}
}

// allowWithoutIO runs the steps of one uncached Allow besides the two
// DynamoDB calls, on the fields of req, and returns the response JSON the
// Lambda runtime writes. With an upstream, h signs the identity assertion
// as Handle does (nil h: no upstream).
func (f nonIOFixture) allowWithoutIO(tb testing.TB, h *Handler, req *events.APIGatewayCustomAuthorizerRequestTypeRequest) (access.Result, []byte) {
	value, ok := authorizationValue(req.Headers, req.MultiValueHeaders)
	if !ok {
		tb.Fatal("no header")
	}
	token, ok := bearerToken(value)
	if !ok {
		tb.Fatal("no token")
	}
	id, err := apikey.Parse(token, apikey.DefaultPrefix)
	if err != nil || id != f.key.ID {
		tb.Fatal(err)
	}
	if h := apikey.Hash(token); len(h) != 64 {
		tb.Fatal("hash")
	}
	if !keys.AllowsSource(f.allowlist, req.RequestContext.Identity.SourceIP) {
		tb.Fatal("source refused")
	}
	base, err := access.ParseMethodARN(req.MethodArn)
	if err != nil {
		tb.Fatal(err)
	}
	g := access.Grant{UserID: f.key.UserID, KeyID: id, Scopes: f.key.Scopes, Memberships: f.memberships}
	if h != nil {
		if a := h.asserter(base, f.key.UserID, id, f.key.Scopes, time.Now(), time.Time{}); a != nil {
			g.Asserter = a
		}
	}
	r, err := access.Allow(base, g)
	if err != nil {
		tb.Fatal(err)
	}
	out, err := json.Marshal(r.Response)
	if err != nil {
		tb.Fatal(err)
	}
	return r, out
}

// BenchmarkAuthorizeNonIO measures the work of one uncached Allow besides the
// two DynamoDB calls: header lookup, Bearer parsing, token parse, hash,
// methodArn parse, the source-address check against a full 20-network
// allowlist (the address matches the last one), policy and context for three
// workspaces, and the JSON the Lambda runtime writes.
func BenchmarkAuthorizeNonIO(b *testing.B) {
	f := newNonIOFixture(b)
	req := &events.APIGatewayCustomAuthorizerRequestTypeRequest{
		MethodArn:         f.methodARN,
		Headers:           map[string]string{"Accept": "application/json", "Host": "abcdef1234.execute-api.us-east-1.amazonaws.com", "Authorization": "Bearer " + f.token},
		MultiValueHeaders: map[string][]string{"Accept": {"application/json"}, "Host": {"abcdef1234.execute-api.us-east-1.amazonaws.com"}, "Authorization": {"Bearer " + f.token}},
	}
	req.RequestContext.Identity.SourceIP = f.sourceIP
	b.ReportAllocs()
	for b.Loop() {
		f.allowWithoutIO(b, nil, req)
	}
}

// BenchmarkAuthorizeNonIOWithAssertion is BenchmarkAuthorizeNonIO for a
// stack with an upstream: the Allow also carries the signed identity
// assertion (its JSON payload and one Ed25519 signature), sized into the
// policy's budget. BenchmarkEd25519Sign in shared/assertion is the
// signature's own cost.
func BenchmarkAuthorizeNonIOWithAssertion(b *testing.B) {
	f := newNonIOFixture(b)
	set := assertion.NewKeySet().Marshal()
	holder, err := assertion.NewHolder(context.Background(), func(context.Context) ([]byte, error) { return set, nil }, time.Now(), nil)
	if err != nil {
		b.Fatal(err)
	}
	u := Upstream{Audience: "https://tianji.example.com", Lifetime: DefaultAssertionLifetime}
	h := New(nil, Config{Upstream: u, Signer: assertion.NewSigner(holder, u.Issuer, u.Audience, u.Lifetime)}, nil)
	req := &events.APIGatewayCustomAuthorizerRequestTypeRequest{
		MethodArn:         f.methodARN,
		Headers:           map[string]string{"Accept": "application/json", "Host": "abcdef1234.execute-api.us-east-1.amazonaws.com", "Authorization": "Bearer " + f.token},
		MultiValueHeaders: map[string][]string{"Accept": {"application/json"}, "Host": {"abcdef1234.execute-api.us-east-1.amazonaws.com"}, "Authorization": {"Bearer " + f.token}},
	}
	req.RequestContext.Identity.SourceIP = f.sourceIP
	if r, _ := f.allowWithoutIO(b, h, req); r.Response.Context[access.KeyAssertion] == nil {
		b.Fatal("no assertion in the context")
	}
	b.ReportAllocs()
	for b.Loop() {
		f.allowWithoutIO(b, h, req)
	}
}

// BenchmarkAuthorizeNonIOWithEvent is BenchmarkAuthorizeNonIO plus what
// the Lambda runtime and the authorizer add around it on every invocation:
// decoding the REQUEST event API Gateway sends (events/authorizer-valid-key.json,
// with the fixture's token and address) and writing the INFO decision line
// with the JSON handler the Lambda logs through, its embedded metrics
// included, as the template deploys it (METRICS_NAMESPACE).
func BenchmarkAuthorizeNonIOWithEvent(b *testing.B) {
	f := newNonIOFixture(b)
	raw := sampleEvent(b, f)
	// The handler only logs here: its store is never reached.
	h := New(nil, Config{MetricsNamespace: "keygate/bench"}, slog.New(lambdaenv.NewLogHandler(io.Discard, slog.LevelInfo)))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		var req events.APIGatewayCustomAuthorizerRequestTypeRequest
		if err := json.Unmarshal(raw, &req); err != nil {
			b.Fatal(err)
		}
		r, _ := f.allowWithoutIO(b, nil, &req)
		h.logAllow(ctx, start, f.key.ID, f.key.UserID, r, keys.WithinLimits)
	}
}

// sampleEvent is the valid-key sample event as API Gateway sends it, with
// the fixture's token, method ARN and source address.
func sampleEvent(tb testing.TB, f nonIOFixture) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("..", "events", "authorizer-valid-key.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var req events.APIGatewayCustomAuthorizerRequestTypeRequest
	if err := json.Unmarshal(b, &req); err != nil {
		tb.Fatal(err)
	}
	if _, ok := req.Headers["Authorization"]; !ok {
		tb.Fatalf("sample event has no Authorization header: %v", req.Headers)
	}
	req.Headers["Authorization"] = "Bearer " + f.token
	req.MultiValueHeaders["Authorization"] = []string{"Bearer " + f.token}
	req.MethodArn = f.methodARN
	req.RequestContext.Identity.SourceIP = f.sourceIP
	out, err := json.Marshal(req)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// operationsDocument is an API document of n workspace-scoped operations
// (GET /r<i>/{workspace}/items/{id}, each needing scope s<i mod 10>).
func operationsDocument(n int) apidoc.Document {
	d := apidoc.Document{Title: "bench"}
	for i := range n {
		d.Operations = append(d.Operations, apidoc.Operation{Name: fmt.Sprintf("op%d", i), Method: "GET",
			Path: fmt.Sprintf("/r%d/{workspace}/items/{id}", i), WorkspaceParam: "workspace",
			Requirements: []apidoc.Requirement{{Scopes: []string{fmt.Sprintf("s%d", i%10)}}}})
	}
	return d
}

// BenchmarkAuthorizeOperation measures the non-I/O work of an Allow for an
// operation of an API document of 10, 100 and 1,000 operations: the
// operation's lookup by method and resource path, its requirements against
// the key's scopes, its policy over the user's three workspaces, and the
// JSON the Lambda runtime writes. The policy names the one operation, so
// neither the time nor the policy's bytes grow with the document.
func BenchmarkAuthorizeOperation(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("ops=%d", n), func(b *testing.B) {
			f := newNonIOFixture(b)
			ops := OperationsOf(operationsDocument(n))
			op := ops[fmt.Sprintf("GET /r%d/{workspace}/items/{id}", n-1)]
			scopes := append(slices.Clone(f.key.Scopes), keys.Scope(fmt.Sprintf("s%d", (n-1)%10)))
			base, err := access.ParseMethodARN(f.methodARN)
			if err != nil {
				b.Fatal(err)
			}
			resource := op.Path
			b.ReportAllocs()
			for b.Loop() {
				o, ok := ops["GET "+resource]
				if !ok {
					b.Fatal("no operation")
				}
				r, err := access.AllowOperation(base, access.Grant{UserID: f.key.UserID, KeyID: f.key.ID, Scopes: scopes, Memberships: f.memberships},
					o, f.memberships[0].WorkspaceID)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := json.Marshal(r.Response); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
