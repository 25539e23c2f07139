package fntest

import (
	"context"
	"encoding/json"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"keygate/shared/apikey"
	"keygate/shared/keys"
	"keygate/shared/store"
)

// Snapshot returns every item of the table (SDK Scan, all pages) as sorted
// canonical JSON lines, to compare before and after a request; the
// attributes named in ignore are left out of every item (e.g. the usage
// counters the authorizer moves).
func Snapshot(tb testing.TB, client *dynamodb.Client, table string, ignore ...string) []string {
	tb.Helper()
	var lines []string
	p := dynamodb.NewScanPaginator(client, &dynamodb.ScanInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			tb.Fatalf("scan %s: %v", table, err)
		}
		for _, item := range out.Items {
			var m map[string]any
			if err := attributevalue.UnmarshalMap(item, &m); err != nil {
				tb.Fatalf("unmarshal item: %v", err)
			}
			for _, a := range ignore {
				delete(m, a)
			}
			b, err := json.Marshal(m) // map keys are sorted
			if err != nil {
				tb.Fatalf("marshal item: %v", err)
			}
			lines = append(lines, string(b))
		}
	}
	sort.Strings(lines)
	return lines
}

// Seed puts a user, a workspace and its membership (role) in the table.
func Seed(tb testing.TB, st *store.Store, userID, workspaceID string, role keys.Role) keys.Membership {
	tb.Helper()
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Millisecond)
	if err := st.PutUser(ctx, keys.User{ID: userID, Name: "User " + userID, Email: userID + "@example.com", CreatedAt: now}); err != nil {
		tb.Fatalf("put user: %v", err)
	}
	if workspaceID == "" {
		return keys.Membership{}
	}
	if err := st.PutWorkspace(ctx, keys.Workspace{ID: workspaceID, Name: "Workspace " + workspaceID, CreatedAt: now}); err != nil {
		tb.Fatalf("put workspace: %v", err)
	}
	m := keys.Membership{UserID: userID, WorkspaceID: workspaceID, Role: role, CreatedAt: now}
	if err := st.PutMembership(ctx, m); err != nil {
		tb.Fatalf("put membership: %v", err)
	}
	return m
}

// CallerKeyID is the id of the calling key of user's requests in tests
// (SeedCallerKey stores it): 16 base62 characters, as a real key id, made
// from the user id so each user's differs.
func CallerKeyID(userID string) string {
	id := []byte("0000000000000000")
	n := 0
	for _, c := range []byte(userID + "Caller") {
		if n < len(id) && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			id[n] = c
			n++
		}
	}
	return string(id)
}

// SeedCallerKey stores the calling key of user's requests (CallerKeyID),
// with every scope and no expiry: the key management rules read the caller's
// key from the table. Its token is never used.
func SeedCallerKey(tb testing.TB, st *store.Store, userID string) keys.Key {
	tb.Helper()
	gen, err := apikey.Generate(apikey.DefaultPrefix)
	if err != nil {
		tb.Fatal(err)
	}
	k := keys.NewKey(gen, userID, "caller", keys.AllScopes, time.Now().UTC().Truncate(time.Millisecond), nil)
	k.ID = CallerKeyID(userID)
	if err := st.CreateKey(context.Background(), k, nil); err != nil {
		tb.Fatalf("seed caller key: %v", err)
	}
	return k
}
