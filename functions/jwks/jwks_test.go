package jwks_test

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"keygate/dev/dynamolocal"
	"keygate/dev/testkit/fntest"
	"keygate/dev/testkit/iamcheck"
	"keygate/dev/testkit/testlog"
	"keygate/functions/jwks"
	"keygate/shared/assertion"
	"keygate/shared/openapi/openapitest"
	"keygate/shared/store"
)

func TestMain(m *testing.M) { dynamolocal.Main(m) }

// setup publishes a key set, rotates it once, and returns the function (on
// a recording client), the seeding store and the two kids.
func setup(tb testing.TB, now time.Time) (fn *jwks.Function, st *store.Store, calls *iamcheck.Recorder, oldKid, newKid string) {
	tb.Helper()
	client, table := dynamolocal.NewTestTable(tb)
	st = store.New(client, table)
	path := filepath.Join(tb.TempDir(), "signing-key.json")
	if err := assertion.EnsureFile(path); err != nil {
		tb.Fatal(err)
	}
	h, err := assertion.NewHolder(tb.Context(), assertion.FileSource(path), now, nil)
	if err != nil {
		tb.Fatal(err)
	}
	if err := assertion.Publish(tb.Context(), h.Keys(), st); err != nil {
		tb.Fatal(err)
	}
	if newKid, oldKid, err = assertion.Rotate(tb.Context(), assertion.FileDocument(path), st, now); err != nil {
		tb.Fatal(err)
	}
	logger, _ := testlog.New()
	calls = &iamcheck.Recorder{}
	fn, err = jwks.New(jwks.Config{AllowOrigin: "*", Logger: logger}, store.New(calls.Client(client), table), func() time.Time { return now })
	if err != nil {
		tb.Fatal(err)
	}
	return fn, st, calls, oldKid, newKid
}

func get(tb testing.TB, fn *jwks.Function) (events.APIGatewayProxyResponse, assertion.JWKS) {
	tb.Helper()
	req := fntest.Request{Method: "GET", Path: "/open/.well-known/jwks.json"}.Event()
	resp, err := fn.Handle(context.Background(), req)
	if err != nil {
		tb.Fatal(err)
	}
	openapitest.New(tb).Proxy(tb, req, resp)
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("status %d: %s", resp.StatusCode, resp.Body)
	}
	var set assertion.JWKS
	dec := json.NewDecoder(strings.NewReader(resp.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&set); err != nil {
		tb.Fatalf("decode %s: %v", resp.Body, err)
	}
	return resp, set
}

func TestJWKS(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	fn, st, calls, oldKid, newKid := setup(t, now)

	t.Run("during a rollover both keys, cacheable", func(t *testing.T) {
		resp, set := get(t, fn)
		if got := fntest.Header(resp, "Cache-Control"); got != "public, max-age=300" {
			t.Errorf("Cache-Control: got %q", got)
		}
		var kids []string
		for _, k := range set.Keys {
			kids = append(kids, k.Kid)
		}
		if len(kids) != 2 || !slices.Contains(kids, oldKid) || !slices.Contains(kids, newKid) {
			t.Errorf("kids %v, want %s and %s", kids, oldKid, newKid)
		}
	})
	t.Run("never a private member", func(t *testing.T) {
		// A tampered item with a private part is left out, not served.
		bad := `{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","kid":"kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k","use":"sig","alg":"EdDSA"}`
		if err := st.PublishSigningKey(t.Context(), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k", []byte(bad), time.Time{}); err != nil {
			t.Fatal(err)
		}
		resp, set := get(t, fn)
		for _, private := range []string{`"d"`, `"p"`, `"q"`, `"k"`} {
			if strings.Contains(resp.Body, private) {
				t.Errorf("JWKS has %s: %s", private, resp.Body)
			}
		}
		if len(set.Keys) != 2 {
			t.Errorf("got %d keys, want the 2 valid ones", len(set.Keys))
		}
	})
	t.Run("every call is granted by the template", func(t *testing.T) {
		reqs := calls.Take()
		if len(reqs) == 0 {
			t.Fatal("no DynamoDB request recorded")
		}
		statements := iamcheck.Statements(t, "JwksFunction")
		iamcheck.AssertAllowed(t, statements, "JwksFunction", reqs)
		iamcheck.AssertAllUsed(t, statements, "JwksFunction", reqs, nil)
	})
}
