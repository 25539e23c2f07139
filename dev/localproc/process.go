package localproc

import (
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// stopGrace is how long Stop waits after SIGTERM before it kills.
const stopGrace = 5 * time.Second

// Process is a local server's child process (DynamoDB Local's JVM, goaws):
// started tied to this process where the OS allows it, watched until it
// exits, stopped with SIGTERM and then SIGKILL.
type Process struct {
	cmd      *exec.Cmd
	done     chan struct{}
	stopOnce sync.Once
	stopErr  error
}

// Start starts cmd. onExit, when not nil, runs once the process has exited
// (before Done is closed): a server's cleanup of its files.
func Start(cmd *exec.Cmd, onExit func()) (*Process, error) {
	setProcAttr(cmd)
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &Process{cmd: cmd, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		if onExit != nil {
			onExit()
		}
		close(p.done)
	}()
	return p, nil
}

// PID is the process id.
func (p *Process) PID() int { return p.cmd.Process.Pid }

// Done is closed when the process has exited.
func (p *Process) Done() <-chan struct{} { return p.done }

// Stop ends the process: SIGTERM, then SIGKILL after 5 s. It is safe to
// call more than once.
func (p *Process) Stop() error {
	p.stopOnce.Do(func() {
		select {
		case <-p.done:
			return
		default:
		}
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(stopGrace):
			p.stopErr = p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p.stopErr
}
