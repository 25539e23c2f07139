package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/shared/apperr"
	"keygate/shared/keys"
	"keygate/shared/store"
)

// capacity is a store.API that asks DynamoDB for the read capacity each
// read consumed and adds it up.
type capacity struct {
	*dynamodb.Client
	units float64
	calls int
}

func (c *capacity) add(cc *types.ConsumedCapacity) {
	c.calls++
	if cc != nil && cc.CapacityUnits != nil {
		c.units += *cc.CapacityUnits
	}
}

func (c *capacity) Query(ctx context.Context, in *dynamodb.QueryInput, o ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	in.ReturnConsumedCapacity = types.ReturnConsumedCapacityTotal
	out, err := c.Client.Query(ctx, in, o...)
	if err == nil {
		c.add(out.ConsumedCapacity)
	}
	return out, err
}

func (c *capacity) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	in.ReturnConsumedCapacity = types.ReturnConsumedCapacityTotal
	out, err := c.Client.BatchGetItem(ctx, in, o...)
	if err == nil {
		for i := range out.ConsumedCapacity {
			c.add(&out.ConsumedCapacity[i])
		}
	}
	return out, err
}

// TestPrincipalForReadsOneMembership: whatever the user's workspace count,
// PrincipalFor reads the profile and the one membership the request names —
// one call, at most two read units, as DynamoDB Local reports them — where
// Principal's Query grows with the count; a non-member gets no membership,
// an unknown user NotFound.
func TestPrincipalForReadsOneMembership(t *testing.T) {
	_, client, table := newStore(t)
	seed := store.New(client, table)
	seedUser(t, seed, "alice", "")
	const n = 300
	for i := range n {
		ws := fmt.Sprintf("ws-%04d", i)
		if err := seed.PutWorkspace(t.Context(), keys.Workspace{ID: ws, Name: ws}); err != nil {
			t.Fatal(err)
		}
		if err := seed.PutMembership(t.Context(), keys.Membership{UserID: "alice", WorkspaceID: ws, Role: keys.RoleAdmin}); err != nil {
			t.Fatal(err)
		}
	}
	c := &capacity{Client: client}
	st := store.New(c, table)

	p, err := st.PrincipalFor(t.Context(), "alice", "ws-0123")
	if err != nil || p.User.ID != "alice" || len(p.Memberships) != 1 || p.Memberships[0].WorkspaceID != "ws-0123" || p.Memberships[0].Role != keys.RoleAdmin {
		t.Fatalf("got %+v, %v; want alice with ws-0123 (admin) only", p, err)
	}
	if c.calls != 1 || c.units > 2 || c.units == 0 {
		t.Errorf("PrincipalFor: %d calls, %.1f read units; want 1 call, at most 2 units", c.calls, c.units)
	}
	narrow := c.units

	c.calls, c.units = 0, 0
	all, err := st.Principal(t.Context(), "alice")
	if err != nil || len(all.Memberships) != n {
		t.Fatalf("Principal: %d memberships, %v", len(all.Memberships), err)
	}
	if c.units <= 4*narrow {
		t.Errorf("Principal of a user in %d workspaces: %.1f read units, want far more than PrincipalFor's %.1f", n, c.units, narrow)
	}
	t.Logf("a user in %d workspaces: PrincipalFor %.1f read units, Principal %.1f in %d calls", n, narrow, c.units, c.calls)

	if p, err := st.PrincipalFor(t.Context(), "alice", "ws-none"); err != nil || len(p.Memberships) != 0 {
		t.Errorf("a workspace she is not in: got %+v, %v; want no membership", p.Memberships, err)
	}
	if p, err := st.PrincipalFor(t.Context(), "alice", ""); err != nil || len(p.Memberships) != 0 || p.User.ID != "alice" {
		t.Errorf("no workspace: got %+v, %v; want her profile alone", p, err)
	}
	if _, err := st.PrincipalFor(t.Context(), "mallory", "ws-0001"); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("an unknown user: got %v, want NotFound", err)
	}
}
