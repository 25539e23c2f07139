package localproc

import (
	"os/exec"
	"sync/atomic"
	"testing"
)

// TestProcessStops: Stop ends the process, onExit runs before Done
// closes, and a second Stop is harmless.
func TestProcessStops(t *testing.T) {
	var exited atomic.Bool
	p, err := Start(exec.Command("sleep", "60"), func() { exited.Store(true) })
	if err != nil {
		t.Fatal(err)
	}
	if p.PID() <= 0 {
		t.Errorf("PID: got %d", p.PID())
	}
	if err := p.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	select {
	case <-p.Done():
	default:
		t.Fatal("Done not closed after Stop")
	}
	if !exited.Load() {
		t.Error("onExit did not run before Done closed")
	}
	if err := p.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
}
