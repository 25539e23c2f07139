package assertion

import (
	"testing"
	"time"
)

func TestParseKeySet(t *testing.T) {
	t.Run("as CloudFormation generates it", func(t *testing.T) {
		s, err := ParseKeySet([]byte(`{"seed":"` + testSeed + `"}`))
		if err != nil {
			t.Fatal(err)
		}
		if s.Seed != testSeed || s.SignFrom != 0 || len(s.Previous) != 0 {
			t.Errorf("got %+v", s)
		}
	})
	for name, doc := range map[string]string{
		"unknown field":       `{"seed":"` + testSeed + `","d":"x"}`,
		"short seed":          `{"seed":"short"}`,
		"short previous seed": `{"seed":"` + testSeed + `","previous":[{"seed":"x","until":1}]}`,
		"no seed":             `{}`,
		"trailing data":       `{"seed":"` + testSeed + `"}{}`,
		"not JSON":            `seed`,
	} {
		t.Run("refuses "+name, func(t *testing.T) {
			if _, err := ParseKeySet([]byte(doc)); err == nil {
				t.Errorf("got nil error for %s", doc)
			}
		})
	}
}

func TestRotate(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	first := KeySet{Seed: testSeed}
	second := first.Rotate(NewSeed(), now)
	round, err := ParseKeySet(second.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	ks, err := round.Derive()
	if err != nil {
		t.Fatal(err)
	}
	old, _ := DeriveKey(testSeed)
	cur, _ := DeriveKey(second.Seed)

	tests := []struct {
		name string
		at   time.Time
		want Key
	}{
		{"just after the rotation the old key still signs", now, old},
		{"one second before PublishDelay the old key signs", now.Add(PublishDelay - time.Second), old},
		{"at PublishDelay the new key signs", now.Add(PublishDelay), cur},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ks.Signing(tt.at); got.ID != tt.want.ID {
				t.Errorf("got kid %s, want %s", got.ID, tt.want.ID)
			}
		})
	}
	t.Run("both keys published, the old one until RetainAfterRotation after the switch", func(t *testing.T) {
		pub := ks.Published()
		if len(pub) != 2 || pub[0].Key.ID != cur.ID || pub[1].Key.ID != old.ID {
			t.Fatalf("got %+v", pub)
		}
		if got, want := pub[1].Until, now.Add(PublishDelay+RetainAfterRotation); !got.Equal(want) {
			t.Errorf("old key until %v, want %v", got, want)
		}
		if !pub[0].Until.IsZero() {
			t.Errorf("current key until %v, want open", pub[0].Until)
		}
	})
	t.Run("a later rotation drops keys whose time is over", func(t *testing.T) {
		later := now.Add(PublishDelay + RetainAfterRotation + time.Second)
		third := second.Rotate(NewSeed(), later)
		if len(third.Previous) != 1 || third.Previous[0].Seed != second.Seed {
			t.Errorf("got previous %+v, want only the second key", third.Previous)
		}
	})
	t.Run("assertions outlive no published key", func(t *testing.T) {
		// The old key's last assertion: signed by an authorizer that has
		// not refreshed yet, at the switch plus RefreshInterval, living
		// MaxLifetime.
		last := now.Add(PublishDelay + RefreshInterval + MaxLifetime)
		if !last.Before(ks.Published()[1].Until) {
			t.Errorf("the old key leaves the JWKS at %v, before its last assertion expires at %v", ks.Published()[1].Until, last)
		}
	})
}

func TestNewSeed(t *testing.T) {
	a, b := NewSeed(), NewSeed()
	if a == b || len(a) < MinSeedLength {
		t.Errorf("got %q and %q", a, b)
	}
}
