package dynamolocal

import (
	"os/exec"
	"syscall"
)

// setProcAttr makes the JVM die with the process that started it, so a killed
// test binary never leaves DynamoDB Local running.
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
