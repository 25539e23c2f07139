package gateway

import (
	"mime"
	"strings"
)

// binaryMediaTypes is an API's binaryMediaTypes: the content types API
// Gateway treats as binary. For a Lambda proxy integration it decides two
// things (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-payload-encodings.html):
//   - a request whose Content-Type matches reaches the function
//     base64-encoded, with isBase64Encoded true;
//   - a response with isBase64Encoded true is decoded only when the client's
//     first Accept type matches; otherwise the client gets the base64 text.
type binaryMediaTypes []string

// matches reports whether the media type of a Content-Type or Accept value
// (parameters ignored) is among the binary types. Entries may be "type/*"
// or "*/*".
func (b binaryMediaTypes) matches(value string) bool {
	if len(b) == 0 || value == "" {
		return false
	}
	mt, _, err := mime.ParseMediaType(value)
	if err != nil {
		return false
	}
	typ, _, _ := strings.Cut(mt, "/")
	for _, e := range b {
		e = strings.ToLower(e)
		switch {
		case e == "*/*", e == mt, strings.HasSuffix(e, "/*") && strings.TrimSuffix(e, "/*") == typ:
			return true
		}
	}
	return false
}

// firstAccept is the first media range of an Accept header: the one API
// Gateway uses to decide whether a response is binary.
func firstAccept(accept string) string {
	first, _, _ := strings.Cut(accept, ",")
	return strings.TrimSpace(first)
}
