package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/dev/dynamolocal"
	"keygate/shared/apperr"
	"keygate/shared/keys"
	"keygate/shared/store"
)

// linkKey is a console link's key of userID: no scope, expiring at expires.
func linkKey(id, userID string, now, expires time.Time) keys.Key {
	k := testKey(id, userID, now)
	k.Scopes, k.ExpiresAt, k.SignInLink = []keys.Scope{}, &expires, true
	return k
}

// sessionKey is a console session key of userID.
func sessionKey(id, userID string, now time.Time) keys.Key {
	k := testKey(id, userID, now)
	expires := now.Add(keys.SessionLifetime)
	k.Scopes, k.ExpiresAt, k.Session = keys.SessionScopes, &expires, true
	return k
}

func TestSignInLinkKeyIsStored(t *testing.T) {
	t.Parallel()
	st, _, _ := newStore(t)
	ctx := context.Background()
	seedUser(t, st, "alice", "")
	now := st.Now()
	later := now.Add(time.Minute)
	tests := []struct {
		name    string
		key     keys.Key
		wantErr bool
	}{
		{"a link without scopes that expires", linkKey("linkkey000000001", "alice", now, later), false},
		{"a link with a scope", func() keys.Key {
			k := linkKey("linkkey000000002", "alice", now, later)
			k.Scopes = []keys.Scope{keys.ScopeRead}
			return k
		}(), true},
		{"a link that never expires", func() keys.Key {
			k := linkKey("linkkey000000003", "alice", now, later)
			k.ExpiresAt = nil
			return k
		}(), true},
		{"another key without scopes", func() keys.Key {
			k := testKey("plainkey00000001", "alice", now)
			k.Scopes = []keys.Scope{}
			return k
		}(), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := st.CreateKey(ctx, tt.key, nil)
			if tt.wantErr {
				if apperr.CodeOf(err) != apperr.BadRequest {
					t.Errorf("got %v, want BadRequest", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := st.GetKey(ctx, "alice", tt.key.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !got.SignInLink || len(got.Scopes) != 0 || got.Session {
				t.Errorf("got link %v scopes %v session %v, want a link with no scopes", got.SignInLink, got.Scopes, got.Session)
			}
		})
	}
}

func TestExchangeSignInLink(t *testing.T) {
	t.Parallel()
	st, _, _ := newStore(t)
	ctx := context.Background()
	seedUser(t, st, "alice", "")
	seedUser(t, st, "bob", "")
	now := st.Now()
	create := func(tb testing.TB, k keys.Key) {
		tb.Helper()
		if err := st.CreateKey(ctx, k, nil); err != nil {
			tb.Fatal(err)
		}
	}
	create(t, linkKey("linkkey000000001", "alice", now, now.Add(time.Minute)))
	create(t, linkKey("linkkey000000002", "alice", now.Add(-time.Hour), now.Add(-time.Minute)))
	create(t, testKey("plainkey00000001", "alice", now))
	create(t, linkKey("bobslink00000001", "bob", now, now.Add(time.Minute)))

	tests := []struct {
		name    string
		userID  string
		linkID  string
		wantErr error // nil: exchanged
	}{
		{"a link", "alice", "linkkey000000001", nil},
		{"the same link again", "alice", "linkkey000000001", keys.ErrSignInLinkSpent},
		{"an expired link", "alice", "linkkey000000002", keys.ErrSignInLinkSpent},
		{"a key that is not a link", "alice", "plainkey00000001", keys.ErrSignInLinkSpent},
		{"another user's link", "alice", "bobslink00000001", keys.ErrSignInLinkSpent},
		{"no such key", "alice", "neverexisted0001", keys.ErrSignInLinkSpent},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			session := sessionKey(fmt.Sprintf("sessionkey%06d", i), tt.userID, now)
			err := st.ExchangeSignInLink(ctx, tt.userID, tt.linkID, now, session)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("got %v, want %v", err, tt.wantErr)
			}
			_, getErr := st.GetKey(ctx, tt.userID, session.ID)
			if exchanged := getErr == nil; exchanged != (tt.wantErr == nil) {
				t.Errorf("session key stored: got %v, want %v", exchanged, tt.wantErr == nil)
			}
			if tt.wantErr == nil {
				if _, err := st.GetKey(ctx, tt.userID, tt.linkID); !apperr.Is(err, apperr.NotFound) {
					t.Errorf("the link key after its exchange: got %v, want NotFound", err)
				}
			}
		})
	}
	t.Run("a non-link or foreign key stays", func(t *testing.T) {
		for _, k := range [][2]string{{"alice", "plainkey00000001"}, {"bob", "bobslink00000001"}} {
			if _, err := st.GetKey(ctx, k[0], k[1]); err != nil {
				t.Errorf("%s: got %v, want it kept", k[1], err)
			}
		}
	})
}

// TestExchangeSignInLinkConcurrently: of many simultaneous exchanges of one
// link, exactly one creates a session.
func TestExchangeSignInLinkConcurrently(t *testing.T) {
	t.Parallel()
	st, _, _ := newStore(t)
	ctx := context.Background()
	seedUser(t, st, "alice", "")
	now := st.Now()
	const n = 8
	for round := 0; round < 3; round++ {
		t.Run(fmt.Sprintf("round %d", round), func(t *testing.T) {
			linkID := fmt.Sprintf("linkkey%09d", round)
			if err := st.CreateKey(ctx, linkKey(linkID, "alice", now, now.Add(time.Minute)), nil); err != nil {
				t.Fatal(err)
			}
			errs := make([]error, n)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					errs[i] = st.ExchangeSignInLink(ctx, "alice", linkID, now, sessionKey(fmt.Sprintf("session%02d%07d", round, i), "alice", now))
				}()
			}
			close(start)
			wg.Wait()
			won := 0
			for _, err := range errs {
				switch {
				case err == nil:
					won++
				case !errors.Is(err, keys.ErrSignInLinkSpent):
					t.Errorf("a losing exchange: got %v, want ErrSignInLinkSpent", err)
				}
			}
			if won != 1 {
				t.Errorf("exchanges that won: got %d, want 1 (errors %v)", won, errs)
			}
		})
	}
}

// TestListKeysHidesTheConsoleKeys: sign-in links and session keys are not
// listed, and pages are still full while keys follow.
func TestListKeysHidesTheConsoleKeys(t *testing.T) {
	t.Parallel()
	st, _, _ := newStore(t)
	ctx := context.Background()
	seedUser(t, st, "alice", "")
	base := st.Now().Add(-time.Hour)
	var want []string
	for i := 0; i < 12; i++ {
		at := base.Add(time.Duration(i) * time.Minute)
		var k keys.Key
		switch i % 3 {
		case 0:
			k = linkKey(fmt.Sprintf("linkkey%09d", i), "alice", at, at.Add(2*time.Hour))
		case 1:
			k = sessionKey(fmt.Sprintf("session%09d", i), "alice", at)
		default:
			k = testKey(fmt.Sprintf("alicekey%08d", i), "alice", at)
			want = append([]string{k.ID}, want...) // newest first
		}
		if err := st.CreateKey(ctx, k, nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, size := range []int{1, 2, 3, 100} {
		t.Run(fmt.Sprintf("pages of %d", size), func(t *testing.T) {
			var got []string
			cursor := ""
			for pages := 0; ; pages++ {
				page, next, err := st.ListKeys(ctx, "alice", size, cursor)
				if err != nil {
					t.Fatal(err)
				}
				if next != "" && len(page) != size {
					t.Errorf("page %d: got %d keys with a next page, want %d", pages, len(page), size)
				}
				for _, k := range page {
					got = append(got, k.ID)
				}
				if next == "" || pages > 12 {
					break
				}
				cursor = next
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

// conflicting is a store.API whose first conflicts TransactWriteItems
// calls are cancelled as DynamoDB cancels a transaction that collides with
// another on one of its items (DynamoDB Local serializes them instead).
type conflicting struct {
	store.API
	conflicts int
	calls     int
}

func (c *conflicting) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	c.calls++
	if c.calls > c.conflicts {
		return c.API.TransactWriteItems(ctx, in, o...)
	}
	reasons := make([]types.CancellationReason, len(in.TransactItems))
	for i := range reasons {
		reasons[i].Code = aws.String("None")
	}
	reasons[1].Code = aws.String("TransactionConflict")
	return nil, &types.TransactionCanceledException{Message: aws.String("Transaction cancelled"), CancellationReasons: reasons}
}

// TestExchangeSignInLinkRetriesAConflict: a transaction cancelled by a
// conflict is tried again; one that keeps conflicting is an error, not a
// spent link.
func TestExchangeSignInLinkRetriesAConflict(t *testing.T) {
	t.Parallel()
	client, table := dynamolocal.NewTestTable(t)
	seed := store.New(client, table)
	ctx := context.Background()
	seedUser(t, seed, "alice", "")
	now := seed.Now()
	tests := []struct {
		name      string
		conflicts int
		wantErr   bool
	}{
		{"no conflict", 0, false},
		{"two conflicts", 2, false},
		{"conflicts throughout", 100, true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			linkID := fmt.Sprintf("linkkey%09d", i)
			if err := seed.CreateKey(ctx, linkKey(linkID, "alice", now, now.Add(time.Minute)), nil); err != nil {
				t.Fatal(err)
			}
			api := &conflicting{API: client, conflicts: tt.conflicts}
			err := store.New(api, table).ExchangeSignInLink(ctx, "alice", linkID, now, sessionKey(fmt.Sprintf("sessionkey%06d", i), "alice", now))
			if gotErr := err != nil; gotErr != tt.wantErr {
				t.Fatalf("got %v, want error %v", err, tt.wantErr)
			}
			if errors.Is(err, keys.ErrSignInLinkSpent) {
				t.Errorf("got %v, want an error other than a spent link", err)
			}
			if want := min(tt.conflicts+1, 8); api.calls != want {
				t.Errorf("transactions: got %d, want %d", api.calls, want)
			}
		})
	}
}

var _ keys.SignInStore = (*store.Store)(nil)
