//go:build !linux

package sqslocal

import "os/exec"

// setProcAttr does nothing here: only Linux can tie goaws's life to its
// parent's (Pdeathsig).
func setProcAttr(cmd *exec.Cmd) {}
