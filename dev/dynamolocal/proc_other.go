//go:build !linux

package dynamolocal

import "os/exec"

// setProcAttr does nothing here: only Linux can tie the JVM's life to its
// parent's (Pdeathsig).
func setProcAttr(cmd *exec.Cmd) {}
