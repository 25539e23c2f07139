package main

import (
	"context"
	"encoding/json"
	"fmt"

	"keygate/shared/access"
	"keygate/shared/apidoc"
	"keygate/shared/keys"
)

// operationBench is BenchmarkAuthorizeOperation for a document of Ops
// operations, and the size of the Allow's JSON.
type operationBench struct {
	Ops         int
	Bench       goBench
	PolicyBytes int
}

// measureOperations runs BenchmarkAuthorizeOperation (authorizer/) for
// documents of 10, 100 and 1,000 operations and sizes the Allow each
// returns for the same grant: a key of three workspaces calling the
// document's last operation.
func measureOperations(ctx context.Context, root string) ([]operationBench, error) {
	var out []operationBench
	for _, n := range []int{10, 100, 1000} {
		b, err := runGoBench(ctx, root, "./authorizer/", fmt.Sprintf("BenchmarkAuthorizeOperation/ops=%d", n))
		if err != nil {
			return nil, err
		}
		size, err := operationPolicyBytes(n)
		if err != nil {
			return nil, err
		}
		out = append(out, operationBench{Ops: n, Bench: b, PolicyBytes: size})
	}
	return out, nil
}

// operationPolicyBytes is the JSON length of the Allow for the last of n
// operations (as BenchmarkAuthorizeOperation builds them), for a key of
// three workspaces.
func operationPolicyBytes(n int) (int, error) {
	op := apidoc.Operation{Name: "op", Method: "GET", Path: fmt.Sprintf("/r%d/{workspace}/items/{id}", n-1), WorkspaceParam: "workspace",
		Requirements: []apidoc.Requirement{{Scopes: []string{fmt.Sprintf("s%d", (n-1)%10)}}}}
	var ms []keys.Membership
	for _, ws := range []string{"ws-marketing", "ws-sales", "ws-support"} {
		ms = append(ms, keys.Membership{UserID: "user-1", WorkspaceID: ws, Role: keys.RoleOwner})
	}
	g := access.Grant{UserID: "user-1", KeyID: "Ab3dEf6hIj9kLm2n", Memberships: ms,
		Scopes: append([]keys.Scope{keys.ScopeRead, keys.ScopeWrite}, keys.Scope(fmt.Sprintf("s%d", (n-1)%10)))}
	r, err := access.AllowOperation("arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod", g, op, "ws-sales")
	if err != nil {
		return 0, err
	}
	b, err := json.Marshal(r.Response)
	return len(b), err
}
