package store

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// API is the part of the DynamoDB client the store uses. *dynamodb.Client
// satisfies it; tests wrap it to count calls or inject faults.
type API interface {
	GetItem(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	UpdateItem(context.Context, *dynamodb.UpdateItemInput, ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
	DeleteItem(context.Context, *dynamodb.DeleteItemInput, ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
	Query(context.Context, *dynamodb.QueryInput, ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
	BatchGetItem(context.Context, *dynamodb.BatchGetItemInput, ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error)
	TransactWriteItems(context.Context, *dynamodb.TransactWriteItemsInput, ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error)
}

// Store reads and writes keygate's single table.
type Store struct {
	db    API
	table string
	now   func() time.Time
	hints *limitHints
	lanes *laneCache
}

// New returns a Store on the named table.
func New(client API, table string) *Store {
	return &Store{db: client, table: table, now: time.Now, hints: &limitHints{}, lanes: &laneCache{}}
}

// WithClock returns a copy of the store that reads the time from now, so
// tests can control expiry.
func (s *Store) WithClock(now func() time.Time) *Store {
	c := *s
	c.now = now
	return &c
}

// Now is the store's current time, truncated to milliseconds as stored.
func (s *Store) Now() time.Time { return s.now().UTC().Truncate(time.Millisecond) }
