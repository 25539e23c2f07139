package faults

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"keygate/dev/dynamolocal"
	"keygate/shared/store"
)

// TestCapacityProxy: the per-item write model. Writes to one item beyond
// its capacity within a second are answered ThrottlingException, as
// DynamoDB answers them, and reach nothing; another item is not affected;
// the bucket refills with time; reads are never throttled.
func TestCapacityProxy(t *testing.T) {
	_, table := dynamolocal.NewTestTable(t)
	p := NewCapacityProxy(t, dynamolocal.Endpoint(t), 10)
	clock := time.Unix(1_800_000_000, 0)
	var mu sync.Mutex
	p.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	client, err := store.NewClient(context.Background(), store.ClientOptions{Endpoint: p.URL, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	put := func(pk string, n int) (ok, throttled int) {
		for i := range n {
			_, err := client.UpdateItem(t.Context(), &dynamodb.UpdateItemInput{
				TableName:                 aws.String(table),
				Key:                       map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: pk}, "sk": &types.AttributeValueMemberS{Value: "X"}},
				UpdateExpression:          aws.String("SET n = :n"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":n": &types.AttributeValueMemberN{Value: strconv.Itoa(i)}},
			})
			var api smithy.APIError
			switch {
			case err == nil:
				ok++
			case errors.As(err, &api) && api.ErrorCode() == "ThrottlingException":
				throttled++
			default:
				t.Fatal(err)
			}
		}
		return ok, throttled
	}
	if ok, th := put("HOT", 30); ok != 10 || th != 20 {
		t.Errorf("30 writes to one item in an instant: %d admitted, %d throttled; want 10, 20", ok, th)
	}
	if got := p.Written("HOT|X"); got != 10 {
		t.Errorf("writes that reached DynamoDB: %d, want 10 (a throttled write reaches nothing)", got)
	}
	if ok, th := put("COLD", 5); ok != 5 || th != 0 {
		t.Errorf("another item: %d admitted, %d throttled; want 5, 0", ok, th)
	}
	mu.Lock()
	clock = clock.Add(500 * time.Millisecond)
	mu.Unlock()
	if ok, th := put("HOT", 10); ok != 5 || th != 5 {
		t.Errorf("half a second later: %d admitted, %d throttled; want 5, 5 (refilled at 10/s)", ok, th)
	}
	for range 50 {
		if _, err := client.GetItem(t.Context(), &dynamodb.GetItemInput{TableName: aws.String(table),
			Key: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "HOT"}, "sk": &types.AttributeValueMemberS{Value: "X"}}}); err != nil {
			t.Fatalf("a read: %v, want never throttled", err)
		}
	}
}
