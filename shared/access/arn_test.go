package access

import (
	"errors"
	"testing"
)

func TestParseMethodARN(t *testing.T) {
	const base = "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod"
	tests := []struct {
		name string
		arn  string
		want string // "" means ErrMethodARN
	}{
		{"GET with path", base + "/GET/open/auth/whoami", base},
		{"POST nested path", base + "/POST/open/apikeys/k1/rotate", base},
		{"ANY method", base + "/*/open/apikeys", base},
		{"method without path", base + "/GET", base},
		{"root path", base + "/GET/", base},
		{"china partition", "arn:aws-cn:execute-api:cn-north-1:123456789012:abc/dev_1/GET/x", "arn:aws-cn:execute-api:cn-north-1:123456789012:abc/dev_1"},
		{"gov partition", "arn:aws-us-gov:execute-api:us-gov-west-1:123456789012:abc/v-2/DELETE/x", "arn:aws-us-gov:execute-api:us-gov-west-1:123456789012:abc/v-2"},
		{"empty", "", ""},
		{"not an arn", "hello", ""},
		{"other partition", "arn:evil:execute-api:eu-west-1:123456789012:abc/prod/GET/x", ""},
		{"other service", "arn:aws:lambda:eu-west-1:123456789012:abc/prod/GET/x", ""},
		{"upper-case region", "arn:aws:execute-api:EU-west-1:123456789012:abc/prod/GET/x", ""},
		{"region with wildcard", "arn:aws:execute-api:*:123456789012:abc/prod/GET/x", ""},
		{"empty region", "arn:aws:execute-api::123456789012:abc/prod/GET/x", ""},
		{"short account", "arn:aws:execute-api:eu-west-1:12345678901:abc/prod/GET/x", ""},
		{"account with letters", "arn:aws:execute-api:eu-west-1:12345678901a:abc/prod/GET/x", ""},
		{"wildcard api id", "arn:aws:execute-api:eu-west-1:123456789012:*/prod/GET/x", ""},
		{"api id with dash", "arn:aws:execute-api:eu-west-1:123456789012:a-b/prod/GET/x", ""},
		{"no stage", "arn:aws:execute-api:eu-west-1:123456789012:abc", ""},
		{"empty stage", "arn:aws:execute-api:eu-west-1:123456789012:abc//GET/x", ""},
		{"wildcard stage", "arn:aws:execute-api:eu-west-1:123456789012:abc/*/GET/x", ""},
		{"stage with dot", "arn:aws:execute-api:eu-west-1:123456789012:abc/p.d/GET/x", ""},
		{"no method", base, ""},
		{"empty method", base + "//x", ""},
		{"lower-case method", base + "/get/x", ""},
		{"quote in stage", "arn:aws:execute-api:eu-west-1:123456789012:abc/pr\"od/GET/x", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseMethodARN(tt.arn)
			if tt.want == "" {
				if !errors.Is(err, ErrMethodARN) {
					t.Fatalf("got %q, %v, want ErrMethodARN", got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %q, %v, want %q", got, err, tt.want)
			}
		})
	}
}

func TestStageURL(t *testing.T) {
	for _, tt := range []struct{ arn, want string }{
		{"arn:aws:execute-api:us-east-1:123456789012:abcdef1234/v1/GET/open/x", "https://abcdef1234.execute-api.us-east-1.amazonaws.com/v1"},
		{"arn:aws-cn:execute-api:cn-north-1:123456789012:abc123/prod/POST/x", "https://abc123.execute-api.cn-north-1.amazonaws.com.cn/prod"},
	} {
		base, err := ParseMethodARN(tt.arn)
		if err != nil {
			t.Fatal(err)
		}
		if got := StageURL(base); got != tt.want {
			t.Errorf("StageURL(%s): got %s, want %s", base, got, tt.want)
		}
	}
}
