package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// raiseFileLimit lifts the soft limit on open files to the hard limit,
// because every connection is one file.
func raiseFileLimit() {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err == nil && lim.Cur < lim.Max {
		lim.Cur = lim.Max
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
	}
}

func toolCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// measure runs the load against the server at base and returns the report.
func measure(ctx context.Context, cfg config, base string) (*report, error) {
	u, _ := url.Parse(base)
	inc, err := declareIncident(ctx, base)
	if err != nil {
		return nil, err
	}
	maxEdits := 1_000_000
	if cfg.rate > 0 {
		maxEdits = int(cfg.rate*cfg.duration.Seconds()) + 16
	}
	l := &load{cfg: cfg, host: u.Host, inc: inc, start: time.Now(),
		prefix:   fmt.Sprintf("L%06x-", rand.IntN(1<<24)),
		edits:    make([]edit, maxEdits),
		screens:  int32(cfg.viewers + cfg.editors),
		complete: make(chan struct{}, 1<<16)}
	rep := &report{Viewers: cfg.viewers, Editors: cfg.editors, Rate: cfg.rate, Size: cfg.size, Preload: cfg.preload,
		DurationS: cfg.duration.Seconds(), Incident: inc.ID}

	// The first editor adds the preloaded entries before anyone watches.
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	l.runCtx = runCtx
	ws, _, err := l.connect(runCtx, 0, inc.EditToken, "load-0", 0)
	if err != nil {
		return nil, err
	}
	started := time.Now()
	if err := preload(runCtx, ws, cfg.preload, cfg.size); err != nil {
		return nil, err
	}
	rep.PreloadS = time.Since(started).Seconds()
	// The preloading connection stays open, as a responder's would, so the
	// server keeps the incident's room loaded; it takes no part after.
	defer ws.close()
	go func() {
		for {
			if _, err := ws.readMessage(); err != nil {
				return
			}
		}
	}()

	before, err := scrapeMetrics(ctx, base)
	if err != nil {
		return nil, err
	}
	var readers sync.WaitGroup
	editors, err := l.connectAll(runCtx, &readers)
	defer func() {
		cancel()
		for _, e := range editors {
			e.ws.close()
		}
		readers.Wait()
	}()
	if err != nil {
		return nil, err
	}
	rep.ConnectS = time.Since(started).Seconds() - rep.PreloadS

	select {
	case <-time.After(cfg.settle):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	idle, err := scrapeMetrics(ctx, base)
	if err != nil {
		return nil, err
	}
	rep.memory(before, idle)

	cpuBefore, toolBefore := idle["process_cpu_seconds_total"], toolCPU()
	sent, sendEnd := l.sendEdits(runCtx, editors)
	l.windowEnd.Store(int64(sendEnd))
	l.drainEdits(ctx, sent)
	after, err := scrapeMetrics(ctx, base)
	if err != nil {
		return nil, err
	}
	rep.ServerCPUS = after["process_cpu_seconds_total"] - cpuBefore
	if avg, err := os.ReadFile("/proc/loadavg"); err == nil {
		rep.LoadAverage = strings.Join(strings.Fields(string(avg))[:3], " ")
	}
	rep.ToolCPUS = (toolCPU() - toolBefore).Seconds()
	rep.serverSide(idle, after)
	rep.SlowClosed = after["sitrep_slow_clients_closed_total"] - before["sitrep_slow_clients_closed_total"]
	rep.summarize(l, sent, sendEnd)
	if cfg.resume > 0 {
		if err := l.measureResume(runCtx, rep); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

// measureResume measures what a viewer receives on connecting: the whole
// incident for a new viewer, and for one that reconnects after missing
// -resume changes only those changes, as the room's ring of recent changes
// allows.
func (l *load) measureResume(ctx context.Context, rep *report) error {
	viewer, full, err := l.connect(ctx, 0, l.inc.ViewToken, "", 0)
	if err != nil {
		return err
	}
	viewer.close()
	seq, _ := strconv.ParseInt(string(field(full, "seq")), 10, 64)

	ed, _, err := l.connect(ctx, 1, l.inc.EditToken, "load-resume", seq)
	if err != nil {
		return err
	}
	defer ed.close()
	if err := preload(ctx, ed, l.cfg.resume, l.cfg.size); err != nil {
		return fmt.Errorf("changes for the resume check: %w", err)
	}
	back, resumed, err := l.connect(ctx, 2, l.inc.ViewToken, "", seq)
	if err != nil {
		return err
	}
	back.close()
	rep.FullWelcomeB = len(full)
	rep.ResumeWelcomeB = len(resumed)
	return nil
}

// connectAll opens the viewers, read by pollers, and the editors, each
// with a goroutine that reads its messages, and returns the editors.
func (l *load) connectAll(ctx context.Context, readers *sync.WaitGroup) ([]*editor, error) {
	pollers := make([]*poller, runtime.GOMAXPROCS(0))
	for i := range pollers {
		p, err := newPoller(l)
		if err != nil {
			return nil, err
		}
		pollers[i] = p
		readers.Add(1)
		go func() {
			defer readers.Done()
			p.run(ctx)
		}()
	}
	total := l.cfg.viewers + l.cfg.editors
	sem := make(chan struct{}, l.cfg.dialers)
	errs := make(chan error, total)
	editors := make([]*editor, l.cfg.editors)
	var dials sync.WaitGroup
	for i := 0; i < total; i++ {
		sem <- struct{}{}
		dials.Add(1)
		go func(i int) {
			defer func() { <-sem; dials.Done() }()
			isEditor := i >= l.cfg.viewers
			if !isEditor {
				ws, welcome, err := l.connect(ctx, i, l.inc.ViewToken, "load", 0)
				if err == nil {
					seq, _ := strconv.ParseInt(string(field(welcome, "seq")), 10, 64)
					err = pollers[i%len(pollers)].add(i, ws, seq)
				}
				if err != nil {
					errs <- err
				}
				return
			}
			tok, name := l.inc.EditToken, fmt.Sprintf("load-%d", i-l.cfg.viewers)
			ws, welcome, err := l.connect(ctx, i, tok, name, 0)
			if err != nil {
				errs <- err
				return
			}
			editors[i-l.cfg.viewers] = &editor{ws: ws, queue: make(chan int, 4096)}
			readers.Add(1)
			go func() {
				defer readers.Done()
				l.screen(ctx, i, ws, welcome, tok, l.editorMessage)
			}()
		}(i)
	}
	dials.Wait()
	close(errs)
	for err := range errs {
		return editors, err
	}
	return editors, nil
}

// sendEdits sends edits for the configured duration and returns how many it
// sent and when it stopped.
func (l *load) sendEdits(ctx context.Context, editors []*editor) (int, time.Duration) {
	text := entryText(l.cfg.size)
	var senders sync.WaitGroup
	for _, e := range editors {
		senders.Add(1)
		go l.send(e, text, &senders)
	}
	defer func() {
		for _, e := range editors {
			close(e.queue)
		}
		senders.Wait()
	}()
	begin := time.Since(l.start)
	end := begin + l.cfg.duration
	n := 0
	if l.cfg.rate > 0 {
		// Open loop: edit n is due at begin + n/rate whether or not the
		// server kept up, and its latency counts from then.
		interval := time.Duration(float64(time.Second) / l.cfg.rate)
		for ; n < len(l.edits); n++ {
			due := begin + time.Duration(n)*interval
			if due >= end {
				break
			}
			if wait := due - time.Since(l.start); wait > 0 {
				select {
				case <-time.After(wait):
				case <-ctx.Done():
					return n, time.Since(l.start)
				}
			}
			l.edits[n].due.Store(int64(due))
			editors[n%len(editors)].queue <- n
		}
		return n, time.Since(l.start)
	}
	// Closed loop: a new edit goes out whenever fewer than inflight are
	// still on their way to some screen.
	inflight := 0
	for ; n < len(l.edits) && time.Since(l.start) < end; n++ {
		for inflight >= l.cfg.inflight {
			select {
			case <-l.complete:
				inflight--
			case <-time.After(end - time.Since(l.start)):
				return n, time.Since(l.start)
			case <-ctx.Done():
				return n, time.Since(l.start)
			}
		}
		l.edits[n].due.Store(l.now())
		editors[n%len(editors)].queue <- n
		inflight++
	}
	return n, time.Since(l.start)
}

// drainEdits waits until every sent edit reached every screen or -drain
// has passed.
func (l *load) drainEdits(ctx context.Context, sent int) {
	deadline := time.Now().Add(l.cfg.drain)
	for time.Now().Before(deadline) {
		pending := 0
		for i := 0; i < sent; i++ {
			if l.edits[i].done.Load() == 0 {
				pending++
			}
		}
		if pending <= int(l.failed.Load()) {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(50 * time.Millisecond):
		}
	}
}
