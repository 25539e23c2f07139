//go:build !linux

package dynamolocal

import (
	"os"
	"os/exec"
	"syscall"
)

func setProcAttr(cmd *exec.Cmd) {}

func terminate(p *os.Process) error { return p.Signal(syscall.SIGTERM) }
