package fntest

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"keygate/shared/apperr"
	"keygate/shared/httpapi"
)

// ErrorOf decodes the error envelope of resp, failing tb if it is not one.
func ErrorOf(tb testing.TB, resp events.APIGatewayProxyResponse) httpapi.ErrorDetail {
	tb.Helper()
	var body httpapi.ErrorBody
	dec := json.NewDecoder(strings.NewReader(resp.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil || body.Error.Code == "" || body.Error.Message == "" {
		tb.Fatalf("not an error envelope (status %d): %q", resp.StatusCode, resp.Body)
	}
	return body.Error
}

// AssertError checks status, envelope and code of resp.
func AssertError(tb testing.TB, resp events.APIGatewayProxyResponse, wantStatus int, wantCode apperr.Code) {
	tb.Helper()
	if resp.StatusCode != wantStatus {
		tb.Errorf("status: got %d, want %d (body %s)", resp.StatusCode, wantStatus, resp.Body)
	}
	if got := ErrorOf(tb, resp).Code; got != wantCode {
		tb.Errorf("code: got %s, want %s", got, wantCode)
	}
	if got := Header(resp, "Content-Type"); got != "application/json; charset=utf-8" {
		tb.Errorf("Content-Type: got %q, want application/json; charset=utf-8", got)
	}
}
