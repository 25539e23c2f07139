package keys

import (
	"net/netip"
	"reflect"
	"testing"
	"time"
)

// TestSuccessorKeepsEveryAttribute: a rotation copies every attribute of the
// key except those that name the token, its creation and its use. A field
// added to Key is carried over unless it is listed here as reset.
func TestSuccessorKeepsEveryAttribute(t *testing.T) {
	reset := map[string]bool{"ID": true, "Hash": true, "Start": true, "CreatedAt": true,
		"LastUsedAt": true, "UsageCount": true, "ReplacedBy": true}
	old := Key{}
	v := reflect.ValueOf(&old).Elem()
	// Give every field a non-zero value, whatever its type.
	for i := range v.NumField() {
		fillNonZero(t, v.Field(i), v.Type().Field(i).Name)
	}
	now := time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)
	next, token, err := old.successor("sk", now)
	if err != nil || token == "" {
		t.Fatalf("successor: %v", err)
	}
	nv := reflect.ValueOf(next)
	for i := range v.NumField() {
		name := v.Type().Field(i).Name
		same := reflect.DeepEqual(v.Field(i).Interface(), nv.Field(i).Interface())
		if reset[name] && same {
			t.Errorf("%s: got the old key's value, want it reset", name)
		}
		if !reset[name] && !same {
			t.Errorf("%s: got %v, want the old key's %v (a rotation must not drop it)", name, nv.Field(i), v.Field(i))
		}
	}
	if !next.CreatedAt.Equal(now) || next.UsageCount != 0 || next.LastUsedAt != nil || next.ReplacedBy != "" {
		t.Errorf("got %+v, want created now, unused, current", next)
	}
}

func fillNonZero(tb testing.TB, f reflect.Value, name string) {
	tb.Helper()
	switch f.Kind() {
	case reflect.String:
		f.SetString("x-" + name)
	case reflect.Int64, reflect.Int:
		f.SetInt(7)
	case reflect.Bool:
		f.SetBool(true)
	case reflect.Slice:
		s := reflect.MakeSlice(f.Type(), 1, 1)
		fillNonZero(tb, s.Index(0), name)
		f.Set(s)
	case reflect.Pointer:
		p := reflect.New(f.Type().Elem())
		fillNonZero(tb, p.Elem(), name)
		f.Set(p)
	case reflect.Struct:
		switch f.Type() {
		case reflect.TypeOf(time.Time{}):
			f.Set(reflect.ValueOf(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)))
			return
		case reflect.TypeOf(netip.Prefix{}):
			f.Set(reflect.ValueOf(netip.MustParsePrefix("203.0.113.0/24")))
			return
		}
		for i := range f.NumField() {
			fillNonZero(tb, f.Field(i), name+"."+f.Type().Field(i).Name)
		}
	default:
		tb.Fatalf("field %s of kind %s: teach fillNonZero this kind", name, f.Kind())
	}
}
