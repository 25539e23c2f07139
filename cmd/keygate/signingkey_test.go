package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"keygate/shared/assertion"
	"keygate/shared/store"
)

func TestSigningKeyRotate(t *testing.T) {
	e := newTestEnv(t)
	file := filepath.Join(t.TempDir(), "signing-key.json")
	if err := assertion.EnsureFile(file); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(file)
	first, _ := assertion.ParseKeySet(before)
	firstKey, _ := assertion.DeriveKey(first.Seed)

	var rotated struct {
		NewKid   string `json:"newKid"`
		SignFrom string `json:"signsFrom"`
		OldKid   string `json:"oldKid"`
		OldUntil string `json:"oldPublishedUntil"`
	}
	e.mustRunJSON(t, &rotated, "signing-key", "rotate", "--key-file", file)
	if rotated.OldKid != firstKey.ID || rotated.NewKid == rotated.OldKid {
		t.Errorf("got %+v, want the old kid %s replaced", rotated, firstKey.ID)
	}
	after, _ := os.ReadFile(file)
	set, err := assertion.ParseKeySet(after)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Previous) != 1 || set.Previous[0].Seed != first.Seed || set.SignFrom == 0 {
		t.Errorf("key file after rotation: previous %d, signFrom %d", len(set.Previous), set.SignFrom)
	}
	if info, _ := os.Stat(file); info.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", info.Mode().Perm())
	}

	var listed []struct {
		Kid   string  `json:"kid"`
		Until *string `json:"publishedUntil"`
	}
	e.mustRunJSON(t, &listed, "signing-key", "ls")
	var kids []string
	for _, k := range listed {
		kids = append(kids, k.Kid)
		if k.Kid == rotated.OldKid && (k.Until == nil || *k.Until != rotated.OldUntil) {
			t.Errorf("old key published until %v, want %s", k.Until, rotated.OldUntil)
		}
		if k.Kid == rotated.NewKid && k.Until != nil {
			t.Errorf("new key published until %s, want open", *k.Until)
		}
	}
	if len(kids) != 2 || !slices.Contains(kids, rotated.OldKid) || !slices.Contains(kids, rotated.NewKid) {
		t.Errorf("ls: got %v, want the old and the new key", kids)
	}
	for _, line := range e.scan(t) {
		if strings.Contains(line, set.Seed) || strings.Contains(line, first.Seed) {
			t.Error("a seed reached the table")
		}
	}
}

func TestSigningKeyRotateBadInput(t *testing.T) {
	e := newTestEnv(t)
	for name, args := range map[string][]string{
		"neither source": {"signing-key", "rotate"},
		"both sources":   {"signing-key", "rotate", "--key-file", "k.json", "--secret", "s"},
		"an argument":    {"signing-key", "rotate", "--key-file", "k.json", "extra"},
	} {
		t.Run(name, func(t *testing.T) {
			before := e.scan(t)
			if r := e.run(t, args...); r.code != exitUsage {
				t.Errorf("got exit %d (%s), want %d", r.code, r.stderr, exitUsage)
			}
			if after := e.scan(t); !slices.Equal(before, after) {
				t.Error("the table changed")
			}
		})
	}
}

// fakeSecrets is Secrets Manager's two calls on one secret: the secret is
// not DynamoDB, and no local Secrets Manager exists to test against.
type fakeSecrets struct {
	id, value string
	puts      int
}

func (f *fakeSecrets) GetSecretValue(_ context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	if *in.SecretId != f.id {
		return nil, errors.New("ResourceNotFoundException")
	}
	return &secretsmanager.GetSecretValueOutput{SecretString: &f.value}, nil
}

func (f *fakeSecrets) PutSecretValue(_ context.Context, in *secretsmanager.PutSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.PutSecretValueOutput, error) {
	if *in.SecretId != f.id {
		return nil, errors.New("ResourceNotFoundException")
	}
	f.value, f.puts = *in.SecretString, f.puts+1
	return &secretsmanager.PutSecretValueOutput{}, nil
}

// TestSecretDocument rotates the key set as CloudFormation generated it
// ({"seed": ...}) in a secret: one new secret version with both keys.
func TestSecretDocument(t *testing.T) {
	e := newTestEnv(t)
	st := store.New(e.client, e.table)
	cfnSeed := strings.Repeat("Ab3", 21) + "x"
	f := &fakeSecrets{id: "arn:aws:secretsmanager:us-east-1:123456789012:secret:keygate-signing", value: `{"seed":"` + cfnSeed + `"}`}
	newKid, oldKid, err := assertion.Rotate(t.Context(), secretDocument{api: f, id: f.id}, st, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	set, err := assertion.ParseKeySet([]byte(f.value))
	if err != nil || f.puts != 1 {
		t.Fatalf("secret after rotation: %v, %d puts", err, f.puts)
	}
	old, _ := assertion.DeriveKey(cfnSeed)
	cur, _ := assertion.DeriveKey(set.Seed)
	if oldKid != old.ID || newKid != cur.ID || set.Previous[0].Seed != cfnSeed {
		t.Errorf("rotated %s -> %s; the secret holds %s with previous %v", oldKid, newKid, cur.ID, set.Previous)
	}
}
