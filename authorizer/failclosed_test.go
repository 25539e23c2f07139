package authorizer_test

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"keygate/authorizer"
	"keygate/dev/testkit/testlog"
	"keygate/shared/keys"
	"keygate/shared/store"
)

func TestHandleFailsClosed(t *testing.T) {
	f := newFixture(t, authorizer.Config{})
	f.user("alice", map[string]keys.Role{"ws1": keys.RoleOwner})
	k := f.key("alice", keys.AllScopes, nil)

	// The unreachable endpoint's client counts its calls with f.calls too, so
	// the test sees the one UpdateItem tried and no Query after it.
	down, err := store.NewClient(t.Context(), store.ClientOptions{Endpoint: "http://127.0.0.1:1", Region: "us-east-1", MaxAttempts: 2})
	if err != nil {
		t.Fatal(err)
	}
	logs := &testlog.Buffer{}
	downHandler := authorizer.New(store.New(f.calls.counting(down), f.table), authorizer.Config{}, slog.New(slog.NewJSONHandler(logs, nil)))

	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	nearDeadline, cancel2 := context.WithTimeout(t.Context(), 50*time.Millisecond) // inside the 200 ms margin
	defer cancel2()
	expired, cancel3 := context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
	defer cancel3()

	badARN := request("Bearer " + k.Token)
	badARN.MethodArn = "arn:aws:execute-api:us-east-1:123456789012:*/v1/GET/open/auth/whoami"
	emptyARN := request("Bearer " + k.Token)
	emptyARN.MethodArn = ""

	tests := []struct {
		name      string
		h         *authorizer.Handler
		ctx       context.Context
		req       *events.APIGatewayCustomAuthorizerRequestTypeRequest
		wantCalls []string
	}{
		{"endpoint down", downHandler, t.Context(), nil, []string{"UpdateItem"}},
		{"cancelled context", f.h, cancelled, nil, nil},
		{"deadline inside margin", f.h, nearDeadline, nil, nil},
		{"deadline passed", f.h, expired, nil, nil},
		{"wildcard api id in methodArn", f.h, t.Context(), &badARN, nil},
		{"empty methodArn", f.h, t.Context(), &emptyARN, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := request("Bearer " + k.Token)
			if tt.req != nil {
				req = *tt.req
			}
			before := f.stored("alice", k.ID).UsageCount
			f.calls.take()
			resp, err := tt.h.Handle(tt.ctx, req)
			if got := decision(resp, err); got != "error" {
				t.Fatalf("got %s (%v), want error", got, err)
			}
			if len(resp.PolicyDocument.Statement) != 0 || resp.PrincipalID != "" {
				t.Errorf("got response %+v with the error, want none", resp)
			}
			if calls := f.calls.take(); !slices.Equal(calls, tt.wantCalls) {
				t.Errorf("got DynamoDB calls %v, want %v", calls, tt.wantCalls)
			}
			if after := f.stored("alice", k.ID).UsageCount; after != before {
				t.Errorf("got usageCount %d -> %d, want unchanged", before, after)
			}
		})
	}
	if s := logs.String(); s == "" || strings.Contains(s, k.Token) || strings.Contains(s, k.Hash) {
		t.Errorf("endpoint-down logs: got %q, want a decision line without token or hash", s)
	}
}

// TestHandleCorruptStoredData: a key whose stored userId is not a valid id
// (written behind the store's back) fails closed as stored data, not as an
// infrastructure fault. (A membership with a bad workspace id is left out of
// the policy instead: access.Allow counts it in Skipped.)
func TestHandleCorruptStoredData(t *testing.T) {
	f := newFixture(t, authorizer.Config{})
	f.user("alice", map[string]keys.Role{"ws1": keys.RoleOwner})
	k := f.key("alice", keys.AllScopes, nil)
	setAttr(t, f, "KEY#"+k.ID, "KEY", "userId", "not a valid id")

	resp, err := f.h.Handle(t.Context(), request("Bearer "+k.Token))
	if got := decision(resp, err); got != "error" {
		t.Fatalf("got %s (%v), want error", got, err)
	}
	if err == nil || !strings.Contains(err.Error(), "STORED_DATA_INVALID") {
		t.Errorf("got error %v, want reason STORED_DATA_INVALID", err)
	}
}

// setAttr overwrites one string attribute of a stored item, as a write
// behind the store's back would.
func setAttr(tb testing.TB, f *fixture, pk, sk, attr, value string) {
	tb.Helper()
	_, err := f.client.UpdateItem(tb.Context(), &dynamodb.UpdateItemInput{
		TableName:                 aws.String(f.table),
		Key:                       map[string]types.AttributeValue{store.AttrPK: &types.AttributeValueMemberS{Value: pk}, store.AttrSK: &types.AttributeValueMemberS{Value: sk}},
		UpdateExpression:          aws.String("SET #a = :v"),
		ConditionExpression:       aws.String("attribute_exists(#a)"),
		ExpressionAttributeNames:  map[string]string{"#a": attr},
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": &types.AttributeValueMemberS{Value: value}},
	})
	if err != nil {
		tb.Fatalf("set %s of %s/%s: %v", attr, pk, sk, err)
	}
}
