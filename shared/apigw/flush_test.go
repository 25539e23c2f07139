package apigw_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"

	"keygate/shared/apigw"
)

// TestAPIGatewayFlusher sends the real SDK request to a local HTTP server
// and checks it is API Gateway's FlushStageAuthorizersCache.
func TestAPIGatewayFlusher(t *testing.T) {
	var mu sync.Mutex
	var got []string
	status := http.StatusAccepted
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Method+" "+r.URL.EscapedPath())
		mu.Unlock()
		w.WriteHeader(status)
	}))
	defer srv.Close()
	client := apigateway.New(apigateway.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(srv.URL),
		Credentials:      aws.AnonymousCredentials{},
		RetryMaxAttempts: 1,
	})
	f := apigw.NewFlusher(client)
	if err := f.FlushAuthorizerCache(context.Background(), "abc123", "prod"); err != nil {
		t.Fatalf("flush: %v", err)
	}
	if want := "DELETE /restapis/abc123/stages/prod/cache/authorizers"; len(got) != 1 || got[0] != want {
		t.Errorf("request: got %v, want [%s]", got, want)
	}
	status = http.StatusTooManyRequests
	if err := f.FlushAuthorizerCache(context.Background(), "abc123", "prod"); err == nil {
		t.Errorf("flush on 429: got nil error, want one")
	}
}
