package sqslocal

import (
	"os/exec"
	"syscall"
)

// setProcAttr makes goaws die with the process that started it, so a killed
// test binary never leaves goaws running.
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
