package reliability

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"keygate/shared/apikey"
	"keygate/shared/store"
)

// Principal is a seeded user with a workspace they own and one API key.
type Principal struct {
	UserID      string
	WorkspaceID string
	Token       string // the key's token
	KeyID       string
	Hash        string
}

// Secrets returns what must never appear in a log: the token, its secret
// part and its hash.
func (p Principal) Secrets() []string {
	return Secrets(p.Token)
}

// Secrets returns the token, its secret part (everything after the id) and
// its hash.
func Secrets(token string) []string {
	out := []string{token, apikey.Hash(token)}
	for i := 0; i < len(token); i++ {
		if token[i] == '_' {
			if rest := token[i+1:]; len(rest) > 16 {
				out = append(out, rest[16:])
			}
			break
		}
	}
	return out
}

// Seed creates user <name>, workspace ws-<name> owned by them and a key with
// the given scopes (all when none) and prefix (apikey.DefaultPrefix when "").
func Seed(ctx context.Context, st *store.Store, name, prefix string, scopes ...store.Scope) (Principal, error) {
	if prefix == "" {
		prefix = apikey.DefaultPrefix
	}
	if len(scopes) == 0 {
		scopes = store.AllScopes
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	p := Principal{UserID: name, WorkspaceID: "ws-" + name}
	if err := st.PutUser(ctx, store.User{ID: p.UserID, Name: name, Email: name + "@example.com", CreatedAt: now}); err != nil {
		return p, fmt.Errorf("seed user: %w", err)
	}
	if err := st.PutWorkspace(ctx, store.Workspace{ID: p.WorkspaceID, Name: "Workspace " + name, CreatedAt: now}); err != nil {
		return p, fmt.Errorf("seed workspace: %w", err)
	}
	if err := st.PutMembership(ctx, store.Membership{UserID: p.UserID, WorkspaceID: p.WorkspaceID, Role: store.RoleOwner, CreatedAt: now}); err != nil {
		return p, fmt.Errorf("seed membership: %w", err)
	}
	k, err := apikey.Generate(prefix)
	if err != nil {
		return p, err
	}
	if err := st.CreateKey(ctx, store.Key{ID: k.ID, UserID: p.UserID, Name: "seed", Hash: k.Hash, Start: k.Start, Scopes: scopes, CreatedAt: now}); err != nil {
		return p, fmt.Errorf("seed key: %w", err)
	}
	p.Token, p.KeyID, p.Hash = k.Token, k.ID, k.Hash
	return p, nil
}

// Snapshot returns every item of the table as canonical JSON, sorted, with
// the named attributes left out (e.g. a key's usage counters). Two equal
// snapshots mean the table did not change.
func Snapshot(ctx context.Context, client *dynamodb.Client, table string, omit ...string) ([]string, error) {
	var out []string
	p := dynamodb.NewScanPaginator(client, &dynamodb.ScanInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("scan %s: %w", table, err)
		}
		for _, item := range page.Items {
			var m map[string]any
			if err := attributevalue.UnmarshalMap(item, &m); err != nil {
				return nil, err
			}
			for _, a := range omit {
				delete(m, a)
			}
			b, err := json.Marshal(m) // map keys are sorted: canonical
			if err != nil {
				return nil, err
			}
			out = append(out, string(b))
		}
	}
	sort.Strings(out)
	return out, nil
}
