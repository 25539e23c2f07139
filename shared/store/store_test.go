package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/dev/dynamolocal"
	"keygate/shared/keys"
	"keygate/shared/store"
)

func TestMain(m *testing.M) { dynamolocal.Main(m) }

// newStore returns a store on a fresh table and the raw client for scans.
func newStore(tb testing.TB) (*store.Store, *dynamodb.Client, string) {
	tb.Helper()
	client, table := dynamolocal.NewTestTable(tb)
	return store.New(client, table), client, table
}

// scan returns every item of the table.
func scan(tb testing.TB, client *dynamodb.Client, table string) []map[string]types.AttributeValue {
	tb.Helper()
	out, err := client.Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true)})
	if err != nil {
		tb.Fatalf("scan: %v", err)
	}
	return out.Items
}

// seedUser creates a user, a workspace and an owner membership.
func seedUser(tb testing.TB, st *store.Store, userID, wsID string) {
	tb.Helper()
	ctx := context.Background()
	if err := st.PutUser(ctx, keys.User{ID: userID, Name: "User " + userID}); err != nil {
		tb.Fatalf("PutUser: %v", err)
	}
	if wsID == "" {
		return
	}
	if err := st.PutWorkspace(ctx, keys.Workspace{ID: wsID, Name: "WS " + wsID}); err != nil {
		tb.Fatalf("PutWorkspace: %v", err)
	}
	if err := st.PutMembership(ctx, keys.Membership{UserID: userID, WorkspaceID: wsID, Role: keys.RoleOwner}); err != nil {
		tb.Fatalf("PutMembership: %v", err)
	}
}

// testKey builds a key with a deterministic hash for user at createdAt.
func testKey(id, userID string, createdAt time.Time) keys.Key {
	hash := make([]byte, 64)
	for i := range hash {
		hash[i] = "0123456789abcdef"[(i+len(id))%16]
	}
	start := id
	if len(start) > 4 {
		start = start[:4]
	}
	return keys.Key{
		ID: id, UserID: userID, Name: "key " + id, Hash: string(hash), Start: "sk_" + start,
		Scopes: keys.AllScopes, CreatedAt: createdAt.UTC().Truncate(time.Millisecond),
	}
}

func ptr[T any](v T) *T { return &v }
