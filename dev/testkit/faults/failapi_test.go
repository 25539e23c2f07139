package faults

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"keygate/dev/dynamolocal"
	"keygate/shared/apperr"
	"keygate/shared/keys"
	"keygate/shared/store"
)

func TestAPIFailsChosenCalls(t *testing.T) {
	tests := []struct {
		name      string
		when      When
		wantSaved bool
	}{
		{"before: nothing reaches DynamoDB", Before, false},
		{"after: applied, answer lost", After, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, table := dynamolocal.NewTestTable(t)
			api := FailAll(client, tt.when, OpUpdateItem)
			st := store.New(api, table)
			err := st.PutWorkspace(t.Context(), keys.Workspace{ID: "ws1", Name: "one"})
			if !errors.Is(err, ErrInjected) {
				t.Fatalf("PutWorkspace: got %v, want ErrInjected", err)
			}
			_, err = store.New(client, table).GetWorkspace(t.Context(), "ws1")
			saved := err == nil
			if !saved && apperr.CodeOf(err) != apperr.NotFound {
				t.Fatalf("GetWorkspace: %v", err)
			}
			if saved != tt.wantSaved {
				t.Errorf("saved: got %v, want %v", saved, tt.wantSaved)
			}
			if got := api.Calls()[OpUpdateItem]; got != 1 {
				t.Errorf("UpdateItem calls: got %d, want 1", got)
			}
			if got := api.Failed(); got != 1 {
				t.Errorf("failed: got %d, want 1", got)
			}
		})
	}
}

func TestWrapCountsOnly(t *testing.T) {
	client, table := dynamolocal.NewTestTable(t)
	api := Wrap(client)
	st := store.New(api, table)
	if err := st.PutWorkspace(t.Context(), keys.Workspace{ID: "ws1", Name: "one"}); err != nil {
		t.Fatalf("PutWorkspace: %v", err)
	}
	if _, err := st.GetWorkspace(t.Context(), "ws1"); err != nil {
		t.Fatalf("GetWorkspace: %v", err)
	}
	if got, want := api.Total(), 2; got != want {
		t.Errorf("calls: got %d (%v), want %d", got, api.Calls(), want)
	}
	api.Reset()
	if got := api.Total(); got != 0 {
		t.Errorf("after Reset: got %d, want 0", got)
	}
}

func TestDelay(t *testing.T) {
	client, table := dynamolocal.NewTestTable(t)
	tests := []struct {
		name      string
		delay     time.Duration
		wantErr   error
		wantSaved bool
	}{
		{"short: forwarded after the wait", time.Millisecond, nil, true},
		{"longer than the context: never forwarded", time.Hour, context.DeadlineExceeded, false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := &API{Next: client, Delay: func(op Op) time.Duration {
				if op == OpUpdateItem {
					return tt.delay
				}
				return 0
			}}
			ctx, cancel := context.WithTimeout(t.Context(), time.Second)
			defer cancel()
			id := fmt.Sprintf("ws%d", i)
			if err := store.New(api, table).PutWorkspace(ctx, keys.Workspace{ID: id, Name: "one"}); !errors.Is(err, tt.wantErr) {
				t.Fatalf("PutWorkspace: got %v, want %v", err, tt.wantErr)
			}
			_, err := store.New(client, table).GetWorkspace(t.Context(), id)
			if saved := err == nil; saved != tt.wantSaved {
				t.Errorf("saved: got %v (%v), want %v", saved, err, tt.wantSaved)
			}
		})
	}
}
