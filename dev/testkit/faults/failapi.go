package faults

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"keygate/shared/store"
)

// Op names a DynamoDB operation of store.API.
type Op string

// The operations store.API exposes.
const (
	OpGetItem            Op = "GetItem"
	OpUpdateItem         Op = "UpdateItem"
	OpDeleteItem         Op = "DeleteItem"
	OpQuery              Op = "Query"
	OpBatchGetItem       Op = "BatchGetItem"
	OpTransactWriteItems Op = "TransactWriteItems"
)

// When says whether an injected failure happens before the call reaches
// DynamoDB or after DynamoDB has applied it (the response was lost).
type When int

// The points at which API fails a call.
const (
	// Before fails the call without forwarding it.
	Before When = iota
	// After forwards the call and then returns an error instead of its
	// result, as when a response is lost on the way back.
	After
)

// API is a store.API that forwards every call to a real client (DynamoDB
// Local in tests) and counts it, and fails the calls that Fail picks. With a
// nil Fail it only counts. It is not a mock: everything it does not fail is
// real DynamoDB.
type API struct {
	Next store.API
	// Fail picks the calls to fail: op is the operation and n counts its
	// calls so far, from 1. Nil fails nothing.
	Fail func(op Op, n int) bool
	// When is where a picked call fails (default Before).
	When When
	// Delay, when set, is how long each call of op waits before it is
	// forwarded (or failed): a slow network or service. The wait ends early
	// with the context's error when the context ends.
	Delay func(op Op) time.Duration

	mu     sync.Mutex
	calls  map[Op]int
	failed map[Op]int
}

// Wrap returns an API that counts the calls to next and fails none.
func Wrap(next store.API) *API { return &API{Next: next} }

// FailAll returns an API that fails every call of the listed operations.
func FailAll(next store.API, when When, ops ...Op) *API {
	set := make(map[Op]bool, len(ops))
	for _, op := range ops {
		set[op] = true
	}
	return &API{Next: next, When: when, Fail: func(op Op, _ int) bool { return set[op] }}
}

// Calls returns the calls received per operation, failed ones included.
func (a *API) Calls() map[Op]int {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make(map[Op]int, len(a.calls))
	for k, v := range a.calls {
		out[k] = v
	}
	return out
}

// Total is the number of calls received.
func (a *API) Total() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := 0
	for _, v := range a.calls {
		n += v
	}
	return n
}

// Failed is the number of calls failed on purpose.
func (a *API) Failed() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := 0
	for _, v := range a.failed {
		n += v
	}
	return n
}

// Reset sets the counters back to zero.
func (a *API) Reset() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.calls, a.failed = nil, nil
}

// pick counts a call and reports whether to fail it.
func (a *API) pick(op Op) bool {
	a.mu.Lock()
	if a.calls == nil {
		a.calls, a.failed = map[Op]int{}, map[Op]int{}
	}
	a.calls[op]++
	n := a.calls[op]
	fail := a.Fail
	a.mu.Unlock()
	if fail == nil || !fail(op, n) {
		return false
	}
	a.mu.Lock()
	a.failed[op]++
	a.mu.Unlock()
	return true
}

// call runs one operation through the wrapper.
func call[In, Out any](a *API, op Op, ctx context.Context, in In, next func(context.Context, In, ...func(*dynamodb.Options)) (Out, error), opts []func(*dynamodb.Options)) (Out, error) {
	var zero Out
	if a.Delay != nil {
		if err := sleep(ctx, a.Delay(op)); err != nil {
			return zero, err
		}
	}
	if !a.pick(op) {
		return next(ctx, in, opts...)
	}
	if a.When == After {
		if _, err := next(ctx, in, opts...); err != nil {
			return zero, err
		}
	}
	return zero, &InjectedError{Op: op}
}

// sleep waits d or until ctx ends, whichever is first.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ErrInjected matches, with errors.Is, every error API injects.
var ErrInjected = errors.New("faults: injected failure")

// InjectedError is the error API returns for a call it fails. It matches
// ErrInjected with errors.Is.
type InjectedError struct{ Op Op }

// Error describes the failure.
func (e *InjectedError) Error() string { return "faults: injected failure of " + string(e.Op) }

// Is makes errors.Is(err, ErrInjected) true.
func (e *InjectedError) Is(target error) bool { return target == ErrInjected }

// GetItem forwards or fails a GetItem.
func (a *API) GetItem(ctx context.Context, in *dynamodb.GetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	return call(a, OpGetItem, ctx, in, a.Next.GetItem, o)
}

// UpdateItem forwards or fails an UpdateItem.
func (a *API) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, o ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	return call(a, OpUpdateItem, ctx, in, a.Next.UpdateItem, o)
}

// DeleteItem forwards or fails a DeleteItem.
func (a *API) DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, o ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error) {
	return call(a, OpDeleteItem, ctx, in, a.Next.DeleteItem, o)
}

// Query forwards or fails a Query.
func (a *API) Query(ctx context.Context, in *dynamodb.QueryInput, o ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	return call(a, OpQuery, ctx, in, a.Next.Query, o)
}

// BatchGetItem forwards or fails a BatchGetItem.
func (a *API) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	return call(a, OpBatchGetItem, ctx, in, a.Next.BatchGetItem, o)
}

// TransactWriteItems forwards or fails a TransactWriteItems.
func (a *API) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	return call(a, OpTransactWriteItems, ctx, in, a.Next.TransactWriteItems, o)
}

var _ store.API = (*API)(nil)
