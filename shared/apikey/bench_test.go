package apikey_test

import (
	"testing"

	"keygate/shared/apikey"
)

var (
	sinkKey    apikey.Key
	sinkString string
)

func BenchmarkGenerate(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		k, err := apikey.Generate(apikey.DefaultPrefix)
		if err != nil {
			b.Fatal(err)
		}
		sinkKey = k
	}
}

func BenchmarkParse(b *testing.B) {
	token := mustGenerate(b, apikey.DefaultPrefix).Token
	b.ReportAllocs()
	for b.Loop() {
		id, err := apikey.Parse(token, apikey.DefaultPrefix)
		if err != nil {
			b.Fatal(err)
		}
		sinkString = id
	}
}

func BenchmarkParseMalformed(b *testing.B) {
	token := mustGenerate(b, apikey.DefaultPrefix).Token
	bad := token[:len(token)-1] + string(flipBase62(token[len(token)-1]))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := apikey.Parse(bad, apikey.DefaultPrefix); err == nil {
			b.Fatal("Parse accepted a bad checksum")
		}
	}
}

func BenchmarkHash(b *testing.B) {
	token := mustGenerate(b, apikey.DefaultPrefix).Token
	b.ReportAllocs()
	for b.Loop() {
		sinkString = apikey.Hash(token)
	}
}
