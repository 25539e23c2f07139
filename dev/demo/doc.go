// Package demo seeds the data `make run` needs to be tried at once: a demo
// user, a workspace the user owns, and a fresh API key with every scope.
package demo
