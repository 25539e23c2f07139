package dynamolocal

import (
	"os"
	"os/exec"
	"syscall"
)

// setProcAttr makes the JVM die with the process that started it, so a killed
// test binary never leaves DynamoDB Local running.
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

func terminate(p *os.Process) error { return p.Signal(syscall.SIGTERM) }
