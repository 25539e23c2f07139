package main

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// TestParseInitTrace checks the GODEBUG=inittrace=1 parser on the runtime's
// own line format, mixed with lines it must ignore.
func TestParseInitTrace(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		wantTotal float64
		wantPkgs  []pkgInit
	}{
		{"empty", "", 0, nil},
		{"real lines", `init internal/bytealg @0 ms, 0 ms clock, 0 bytes, 0 allocs
init runtime @0.62 ms, 0.39 ms clock, 0 bytes, 0 allocs
init github.com/aws/aws-sdk-go-v2/service/dynamodb @3.1 ms, 1.25 ms clock, 204800 bytes, 1500 allocs
init crypto/internal/fips140deps/cpu @1.8 ms, 12 ms clock, 512 bytes, 2 allocs
`, 13.64, []pkgInit{
			{"internal/bytealg", 0, 0},
			{"runtime", 0.39, 0},
			{"github.com/aws/aws-sdk-go-v2/service/dynamodb", 1.25, 200},
			{"crypto/internal/fips140deps/cpu", 12, 0.5},
		}},
		{"other stderr lines are skipped", `{"level":"error","msg":"dial tcp 127.0.0.1:1: connect: connection refused"}
init
init runtime
init: something else entirely with enough fields to index
init a @1 ms, x ms clock, 5 bytes, 1 allocs
init b @1 ms, 2 ms clock, y bytes, 1 allocs
init c @1 ms, 2 ms wall, 5 bytes, 1 allocs
  init d @1 ms, 0.5 ms clock, 1024 bytes, 1 allocs
`, 0.5, []pkgInit{{"d", 0.5, 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			total, pkgs := parseInitTrace(strings.NewReader(tt.in))
			if math.Abs(total-tt.wantTotal) > 1e-9 {
				t.Errorf("got total %v, want %v", total, tt.wantTotal)
			}
			if !slices.Equal(pkgs, tt.wantPkgs) {
				t.Errorf("got packages %+v, want %+v", pkgs, tt.wantPkgs)
			}
		})
	}
}

// TestDynamoMs checks that only service/dynamodb and its subpackages count.
func TestDynamoMs(t *testing.T) {
	pkgs := []pkgInit{
		{"github.com/aws/aws-sdk-go-v2/service/dynamodb", 1.25, 0},
		{"github.com/aws/aws-sdk-go-v2/service/dynamodb/schemas", 3, 0},
		{"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams", 7, 0},
		{"runtime", 0.5, 0},
	}
	if got := dynamoMs(pkgs); math.Abs(got-4.25) > 1e-9 {
		t.Errorf("got %v, want 4.25", got)
	}
}
