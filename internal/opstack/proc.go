package opstack

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// Proc is one started process of the devnet. It is stopped by its own PID only.
type Proc struct {
	// Name names it in logs and errors: "l1", "seq-a/op-node", …
	Name string
	// Log is the file its stdout and stderr go to.
	Log string

	bin   string
	args  []string
	grace time.Duration

	mu     sync.Mutex
	cmd    *exec.Cmd
	done   chan struct{}
	frozen bool
}

// start starts the process, its output appended to p.Log. Each child gets SIGKILL when the
// thread that started it dies (PR_SET_PDEATHSIG), so a killed test leaves no process behind.
func (p *Proc) start() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	logf, err := os.OpenFile(p.Log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("%s: %w", p.Name, err)
	}
	cmd := exec.Command(p.bin, p.args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("%s: start %s: %w", p.Name, p.bin, err)
	}
	done := make(chan struct{})
	go func() {
		cmd.Wait()
		logf.Close()
		close(done)
	}()
	p.cmd, p.done, p.frozen = cmd, done, false
	return nil
}

// Restart starts the process again with the same arguments; it must have been stopped.
func (p *Proc) Restart() error {
	if p.Running() {
		return fmt.Errorf("%s: restart: still running", p.Name)
	}
	return p.start()
}

// PID is its process id, 0 before start.
func (p *Proc) PID() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil || p.cmd.Process == nil {
		return 0
	}
	return p.cmd.Process.Pid
}

// Running reports whether it was started and has not exited.
func (p *Proc) Running() bool {
	p.mu.Lock()
	done := p.done
	p.mu.Unlock()
	if done == nil {
		return false
	}
	select {
	case <-done:
		return false
	default:
		return true
	}
}

// signal sends sig to its PID if it runs.
func (p *Proc) signal(sig syscall.Signal) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil || p.cmd.Process == nil {
		return fmt.Errorf("%s: not started", p.Name)
	}
	select {
	case <-p.done:
		return fmt.Errorf("%s: exited", p.Name)
	default:
	}
	if err := p.cmd.Process.Signal(sig); err != nil {
		return fmt.Errorf("%s: %s: %w", p.Name, sig, err)
	}
	switch sig {
	case syscall.SIGSTOP:
		p.frozen = true
	case syscall.SIGCONT:
		p.frozen = false
	}
	return nil
}

// Freeze stops the process with SIGSTOP: it keeps its ports and answers nothing.
func (p *Proc) Freeze() error { return p.signal(syscall.SIGSTOP) }

// Thaw resumes a frozen process with SIGCONT.
func (p *Proc) Thaw() error { return p.signal(syscall.SIGCONT) }

// Frozen reports whether Freeze was the last signal.
func (p *Proc) Frozen() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.frozen
}

// Kill ends it with SIGKILL and waits for it.
func (p *Proc) Kill() error {
	if err := p.signal(syscall.SIGKILL); err != nil {
		if !p.Running() {
			return nil
		}
		return err
	}
	return p.wait(30 * time.Second)
}

// Stop ends it: SIGTERM (and SIGCONT, should it be frozen), then SIGKILL after its grace period.
// A process that is not running is left alone.
func (p *Proc) Stop() error {
	if !p.Running() {
		return nil
	}
	grace := p.grace
	if grace == 0 {
		grace = 10 * time.Second
	}
	if err := p.signal(syscall.SIGTERM); err == nil {
		p.signal(syscall.SIGCONT)
		if p.wait(grace) == nil {
			return nil
		}
	}
	return p.Kill()
}

// wait waits up to d for it to exit.
func (p *Proc) wait(d time.Duration) error {
	p.mu.Lock()
	done := p.done
	p.mu.Unlock()
	if done == nil {
		return nil
	}
	select {
	case <-done:
		return nil
	case <-time.After(d):
		return errors.New(p.Name + ": did not exit within " + d.String())
	}
}
