package authorizer

import (
	"encoding/json"
	"fmt"
	"testing"

	"keygate/shared/access"
	"keygate/shared/apikey"
	"keygate/shared/keys"
)

// BenchmarkAuthorizeNonIO measures the work of one uncached Allow besides the
// two DynamoDB calls: header lookup, Bearer parsing, token parse, hash,
// methodArn parse, the source-address check against a full 20-network
// allowlist (the address matches the last one), policy and context for three
// workspaces, and the JSON the Lambda runtime writes.
func BenchmarkAuthorizeNonIO(b *testing.B) {
	k, err := apikey.Generate(apikey.DefaultPrefix)
	if err != nil {
		b.Fatal(err)
	}
	headers := map[string]string{"Accept": "application/json", "Host": "abcdef1234.execute-api.us-east-1.amazonaws.com", "Authorization": "Bearer " + k.Token}
	multi := map[string][]string{"Accept": {"application/json"}, "Host": {"abcdef1234.execute-api.us-east-1.amazonaws.com"}, "Authorization": {"Bearer " + k.Token}}
	methodARN := "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/v1/GET/open/workspace/clx9q2w3e4r5t6y7u8i9o0p1b"
	key := keys.Key{ID: k.ID, UserID: "clx9q2w3e4r5t6y7u8i9o0p1a", Scopes: keys.AllScopes}
	memberships := []keys.Membership{
		{WorkspaceID: "clx9q2w3e4r5t6y7u8i9o0p1b", Role: keys.RoleOwner},
		{WorkspaceID: "clx9q2w3e4r5t6y7u8i9o0p1c", Role: keys.RoleAdmin},
		{WorkspaceID: "clx9q2w3e4r5t6y7u8i9o0p1d", Role: keys.RoleReadOnly},
	}
	var nets []string
	for i := range keys.MaxAllowedCIDRs {
		nets = append(nets, fmt.Sprintf("10.%d.0.0/16", i))
	}
	allowlist, err := keys.ParseCIDRs(nets)
	if err != nil {
		b.Fatal(err)
	}
	sourceIP := fmt.Sprintf("10.%d.7.7", keys.MaxAllowedCIDRs-1)
	b.ReportAllocs()
	for b.Loop() {
		value, ok := authorizationValue(headers, multi)
		if !ok {
			b.Fatal("no header")
		}
		token, ok := bearerToken(value)
		if !ok {
			b.Fatal("no token")
		}
		id, err := apikey.Parse(token, apikey.DefaultPrefix)
		if err != nil || id != key.ID {
			b.Fatal(err)
		}
		if h := apikey.Hash(token); len(h) != 64 {
			b.Fatal("hash")
		}
		if !keys.AllowsSource(allowlist, sourceIP) {
			b.Fatal("source refused")
		}
		base, err := access.ParseMethodARN(methodARN)
		if err != nil {
			b.Fatal(err)
		}
		r, err := access.Allow(base, access.Grant{UserID: key.UserID, KeyID: id, Scopes: key.Scopes, Memberships: memberships})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := json.Marshal(r.Response); err != nil {
			b.Fatal(err)
		}
	}
}
