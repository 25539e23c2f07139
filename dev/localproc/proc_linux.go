package localproc

import (
	"os/exec"
	"syscall"
)

// setProcAttr makes the child die with the process that started it, so a
// killed test binary never leaves a local server running.
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
