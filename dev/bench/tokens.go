package main

import (
	"context"
)

// tokenBench is BenchmarkAuthorizeTokenNonIO for one signature algorithm.
type tokenBench struct {
	Alg   string
	Bench goBench
}

// measureTokens runs BenchmarkAuthorizeTokenNonIO (authorizer/) for RS256
// and ES256 tokens.
func measureTokens(ctx context.Context, root string) ([]tokenBench, error) {
	var out []tokenBench
	for _, alg := range []string{"RS256", "ES256"} {
		b, err := runGoBench(ctx, root, "./authorizer/", "BenchmarkAuthorizeTokenNonIO/alg="+alg)
		if err != nil {
			return nil, err
		}
		out = append(out, tokenBench{Alg: alg, Bench: b})
	}
	return out, nil
}
