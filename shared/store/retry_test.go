package store_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"keygate/dev/dynamolocal"
	"keygate/shared/keys"
	"keygate/shared/store"
)

// lostResponseProxy forwards every request to DynamoDB Local, but answers
// the first UpdateItem with a 500 after DynamoDB has applied it: the
// response is lost, and the SDK retries.
func lostResponseProxy(tb testing.TB, endpoint string) (*httptest.Server, *atomic.Int32) {
	tb.Helper()
	target, err := url.Parse(endpoint)
	if err != nil {
		tb.Fatal(err)
	}
	var updates atomic.Int32
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = func(resp *http.Response) error {
		if !strings.HasSuffix(resp.Request.Header.Get("X-Amz-Target"), ".UpdateItem") {
			return nil
		}
		if updates.Add(1) == 1 {
			resp.Body.Close()
			body := `{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"lost"}`
			resp.StatusCode = http.StatusInternalServerError
			resp.Status = "500 Internal Server Error"
			resp.Body = io.NopCloser(bytes.NewBufferString(body))
			resp.ContentLength = int64(len(body))
			resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
		}
		return nil
	}
	srv := httptest.NewServer(proxy)
	tb.Cleanup(srv.Close)
	return srv, &updates
}

func TestVerifyRetriedAfterALostResponseCountsOnce(t *testing.T) {
	t.Parallel()
	direct, table := dynamolocal.NewTestTable(t)
	ctx := context.Background()
	st := store.New(direct, table)
	seedUser(t, st, "frank", "")
	k := testKey("frankkey00000001", "frank", st.Now())
	if err := st.CreateKey(ctx, k, nil); err != nil {
		t.Fatal(err)
	}
	proxy, updates := lostResponseProxy(t, dynamolocal.Endpoint(t))
	client, err := store.NewClient(ctx, store.ClientOptions{Endpoint: proxy.URL})
	if err != nil {
		t.Fatal(err)
	}
	v, err := store.New(client, table).Verify(ctx, k.ID, k.Hash, time.Now())
	if err != nil || v.Result != keys.VerifyValid {
		t.Fatalf("Verify through a lost response: got %v, %v, want valid", v.Result, err)
	}
	if got := updates.Load(); got < 2 {
		t.Fatalf("UpdateItem attempts: got %d, want the SDK's retry (2)", got)
	}
	got, err := st.GetKey(ctx, "frank", k.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.UsageCount != 1 {
		t.Errorf("usageCount after one verification: got %d, want 1", got.UsageCount)
	}
}
