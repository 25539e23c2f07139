package awsenv

import (
	"context"
	"errors"
	"testing"
)

func env(m map[string]string) Getenv { return func(k string) string { return m[k] } }

func TestRegion(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"AWS_REGION wins", map[string]string{"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "us-east-2"}, "eu-west-1"},
		{"default region", map[string]string{"AWS_DEFAULT_REGION": "us-east-2"}, "us-east-2"},
		{"none", nil, ""},
		{"trimmed; blank counts as unset", map[string]string{"AWS_REGION": "  ", "AWS_DEFAULT_REGION": " us-east-2 "}, "us-east-2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Region(env(tt.env)); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCredentials(t *testing.T) {
	p, err := Credentials(env(map[string]string{
		"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "token",
	}))
	if err != nil {
		t.Fatal(err)
	}
	got, err := p.Retrieve(context.Background())
	if err != nil || got.AccessKeyID != "AKIDEXAMPLE" || got.SecretAccessKey != "secret" || got.SessionToken != "token" {
		t.Errorf("got %+v, %v, want the environment's credentials", got, err)
	}
	for name, e := range map[string]map[string]string{
		"none":      nil,
		"no secret": {"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE"},
		"no key id": {"AWS_SECRET_ACCESS_KEY": "secret"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Credentials(env(e)); !errors.Is(err, ErrNoCredentials) {
				t.Errorf("got %v, want ErrNoCredentials", err)
			}
		})
	}
}

func TestCredentialsOrLocal(t *testing.T) {
	set := map[string]string{"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"}
	tests := []struct {
		name    string
		env     map[string]string
		local   bool
		wantKey string // access key id; "" wants ErrNoCredentials
	}{
		{"environment, AWS", set, false, "AKIDEXAMPLE"},
		{"environment wins over local", set, true, "AKIDEXAMPLE"},
		{"none, local", nil, true, "keygatelocal"},
		{"none, AWS", nil, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := CredentialsOrLocal(env(tt.env), tt.local)
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
