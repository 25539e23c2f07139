package oidcprovider

import (
	"fmt"
	"testing"
)

// nopTB is the testing.TB of tokens minted while serving a request: a
// failure there is a bug of the stand-in, reported by panicking.
type nopTB struct{ testing.TB }

func (nopTB) Helper() {}

func (nopTB) Fatal(args ...any) { panic(fmt.Sprint(args...)) }

func (nopTB) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }
