package config

import (
	"context"

	"keygate/shared/lambdaenv"
)

// Wire builds the function from its environment: the one wiring its
// bootstrap and the local gateway both call. It builds no AWS client: the
// function has no table, and links no AWS SDK (deps_test.go).
func Wire(ctx context.Context, d lambdaenv.Deps) (*Function, error) {
	s, err := d.Env.ConfigFunction()
	if err != nil {
		return nil, err
	}
	return NewWithSignIn(ctx, Config{GlobalConfig: s.Global, AllowOrigin: s.AllowOrigin, Logger: d.LoggerFor(s.LogLevel), ConsoleSignIn: s.ConsoleSignIn})
}
