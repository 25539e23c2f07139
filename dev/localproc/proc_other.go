//go:build !linux

package localproc

import "os/exec"

// setProcAttr does nothing here: only Linux can tie a child's life to its
// parent's (Pdeathsig).
func setProcAttr(cmd *exec.Cmd) {}
