package awsenv

import (
	"context"
	"errors"
	"testing"

	"keygate/shared/lambdaenv"
)

func TestCredentials(t *testing.T) {
	p, err := Credentials(lambdaenv.AWS{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret", SessionToken: "token"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := p.Retrieve(context.Background())
	if err != nil || got.AccessKeyID != "AKIDEXAMPLE" || got.SecretAccessKey != "secret" || got.SessionToken != "token" {
		t.Errorf("got %+v, %v, want the environment's credentials", got, err)
	}
	for name, a := range map[string]lambdaenv.AWS{
		"none":      {},
		"no secret": {AccessKeyID: "AKIDEXAMPLE"},
		"no key id": {SecretAccessKey: "secret"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Credentials(a); !errors.Is(err, ErrNoCredentials) {
				t.Errorf("got %v, want ErrNoCredentials", err)
			}
		})
	}
}

func TestCredentialsOrLocal(t *testing.T) {
	set := lambdaenv.AWS{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret"}
	tests := []struct {
		name    string
		aws     lambdaenv.AWS
		local   bool
		wantKey string // access key id; "" wants ErrNoCredentials
	}{
		{"environment, AWS", set, false, "AKIDEXAMPLE"},
		{"environment wins over local", set, true, "AKIDEXAMPLE"},
		{"none, local", lambdaenv.AWS{}, true, "keygatelocal"},
		{"none, AWS", lambdaenv.AWS{}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := CredentialsOrLocal(tt.aws, tt.local)
			if tt.wantKey == "" {
				if !errors.Is(err, ErrNoCredentials) {
					t.Errorf("got %v, want ErrNoCredentials", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := p.Retrieve(context.Background())
			if err != nil || got.AccessKeyID != tt.wantKey {
				t.Errorf("got %+v, %v, want access key %q", got, err, tt.wantKey)
			}
		})
	}
}
