package access

// ResultSizeLimit is the documented size limit of a Lambda authorizer result:
// "AWS Lambda authorizer result size: 8 KB" (Amazon API Gateway developer
// guide, "Quotas for configuring and running a WebSocket API"; the REST API
// quota table states no separate figure). keygate keeps every result within
// it, so a policy never fails on size in any API Gateway flavour.
const ResultSizeLimit = 8 * 1024

// SizeMargin is kept free below ResultSizeLimit for anything API Gateway adds
// or counts differently when it stores the result.
const SizeMargin = 512

// SizeBudget is the largest serialized Allow response keygate returns. A
// per-workspace policy larger than this falls back (see Mode).
const SizeBudget = ResultSizeLimit - SizeMargin

// allowSkeleton is the JSON encoding of an Allow response with an empty
// principalId, no resources and an empty context. Resources and context
// entries add to its length.
const allowSkeleton = `{"principalId":"","policyDocument":{"Version":"2012-10-17",` +
	`"Statement":[{"Action":["execute-api:Invoke"],"Effect":"Allow","Resource":[]}]},"context":{}}`

// sizer adds up the exact length of the JSON encoding of a response. Every
// string in it is ARN-safe (letters, digits and ":/*_-,."), so JSON needs no
// escapes and lengths add up byte for byte.
type sizer struct {
	n         int
	resources int // Resource strings added
	chars     int // their total length
	entries   int
}

func newSizer(principalID string) sizer {
	return sizer{n: len(allowSkeleton) + len(principalID)}
}

// resource adds one Resource string, made of the parts buildResources
// writes: base "/" method path id suffix.
func (s *sizer) resource(base, method, path, id, suffix string) {
	l := len(base) + 1 + len(method) + len(path) + len(id) + len(suffix)
	if s.resources > 0 {
		s.n++ // comma
	}
	s.resources++
	s.chars += l
	s.n += l + 2 // quotes
}

// entry adds one context entry `"key":"value"`.
func (s *sizer) entry(key string, valueLen int) {
	if s.entries > 0 {
		s.n++
	}
	s.entries++
	s.n += len(key) + valueLen + 5
}
