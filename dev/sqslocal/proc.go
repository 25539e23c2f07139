package sqslocal

import (
	"os"
	"syscall"
)

// terminate asks the process to exit (SIGTERM); Stop kills it if it has not
// after a grace period.
func terminate(p *os.Process) error { return p.Signal(syscall.SIGTERM) }
