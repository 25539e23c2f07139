package faults

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"keygate/dev/dynamolocal"
	"keygate/dev/testkit/wait"
	"keygate/shared/store"
)

func TestMain(m *testing.M) { dynamolocal.Main(m) }

// getItem sends one GetItem through the real SDK, without retries, to
// endpoint.
func getItem(tb testing.TB, endpoint string, timeout time.Duration) error {
	tb.Helper()
	client, err := store.NewClient(context.Background(), store.ClientOptions{Endpoint: endpoint, MaxAttempts: 1})
	if err != nil {
		tb.Fatalf("NewClient: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	_, err = client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String("t"),
		Key:       map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "x"}, "sk": &types.AttributeValueMemberS{Value: "y"}},
	})
	return err
}

func TestServerFails(t *testing.T) {
	tests := []struct {
		kind     Kind
		code     []string // acceptable API error codes; nil: any error
		requests bool     // the server sees requests
	}{
		{Down, nil, false},
		{Hang, nil, true},
		{Throttle, []string{"ProvisionedThroughputExceededException", "ThrottlingException"}, true},
		{ServerError, []string{"InternalServerError"}, true},
		{Garbage, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String(), func(t *testing.T) {
			s := New(t, tt.kind)
			err := getItem(t, s.URL, time.Second)
			if err == nil {
				t.Fatalf("GetItem against %s: got nil error, want one", tt.kind)
			}
			if tt.code != nil {
				var apiErr smithy.APIError
				if !errors.As(err, &apiErr) {
					t.Fatalf("got %v, want an API error %v", err, tt.code)
				}
				found := false
				for _, c := range tt.code {
					found = found || apiErr.ErrorCode() == c
				}
				if !found {
					t.Errorf("got code %q, want one of %v", apiErr.ErrorCode(), tt.code)
				}
			}
			if got := s.Requests() > 0; got != tt.requests {
				t.Errorf("requests received: got %d, want >0 = %v", s.Requests(), tt.requests)
			}
			if tt.requests {
				if got := s.Operations()["GetItem"]; got == 0 {
					t.Errorf("GetItem count: got %d, want > 0 (ops %v)", got, s.Operations())
				}
			}
		})
	}
}

func TestHangReleasedByClose(t *testing.T) {
	s, err := Start(Hang)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close() // also when the wait fails: it releases getItem
	errc := make(chan error, 1)
	go func() { errc <- getItem(t, s.URL, time.Minute) }()
	wait.Eventually(t, 30*time.Second, func() (bool, string) {
		return s.Requests() > 0, "the hanging server got no request, want the GetItem"
	})
	s.Close()
	if err := <-errc; err == nil {
		t.Errorf("got nil error after Close, want one")
	}
}
