package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// serverProcess is a sitrep server the tool built and started.
type serverProcess struct {
	cmd  *exec.Cmd
	dir  string // temporary folder holding the binary and the database
	addr string
	logs *os.File
}

// startServer builds the server package pkg and runs it on a free loopback
// port with a throwaway database, returning once /healthz answers.
func startServer(ctx context.Context, pkg string, extra []string) (*serverProcess, error) {
	dir, err := os.MkdirTemp("", "sitrep-load-")
	if err != nil {
		return nil, err
	}
	bin := filepath.Join(dir, "sitrep")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, pkg)
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("build server %s: %w", pkg, err)
	}
	addr, err := freeLoopbackAddr()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	logs, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	// The tool's viewers come from a few loopback addresses and its editors
	// type far faster than people, so it lifts the server's abuse limits.
	// Flags in extra come later and win.
	args := append([]string{"-addr", addr, "-data", filepath.Join(dir, "data"), "-log-level", "warn",
		"-connections-per-minute", "1000000", "-message-rate", "1000000", "-message-burst", "1000000"}, extra...)
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		logs.Close()
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start server: %w", err)
	}
	s := &serverProcess{cmd: cmd, dir: dir, addr: addr, logs: logs}
	if err := waitHealthy(ctx, "http://"+addr, 60*time.Second); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

// stop ends the server with SIGTERM, as an operator would, and removes its
// files. It prints the server's last log lines when it logged anything.
func (s *serverProcess) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		_ = s.cmd.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
	s.logs.Close()
	if data, err := os.ReadFile(s.logs.Name()); err == nil && len(data) > 0 {
		if len(data) > 4000 {
			data = data[len(data)-4000:]
		}
		fmt.Fprintf(os.Stderr, "server log (last %d bytes):\n%s\n", len(data), data)
	}
	os.RemoveAll(s.dir)
}

func freeLoopbackAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func waitHealthy(ctx context.Context, base string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for attempt := 0; time.Now().Before(deadline); attempt++ {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/healthz", nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("server at %s not healthy within %s", base, limit)
}

// incident is what POST /api/incidents returns.
type incident struct {
	ID        string `json:"id"`
	EditToken string `json:"editToken"`
	ViewToken string `json:"viewToken"`
}

func declareIncident(ctx context.Context, base string) (*incident, error) {
	body := strings.NewReader(`{"title":"Load test","severity":"P1","by":"sitrep-load"}`)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/incidents", body)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("declare incident: %w", err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		return nil, fmt.Errorf("declare incident: HTTP %d: %s", resp.StatusCode, data)
	}
	var inc incident
	if err := json.Unmarshal(data, &inc); err != nil {
		return nil, fmt.Errorf("declare incident: %w", err)
	}
	return &inc, nil
}

// scrapeMetrics reads /metrics into a map from series (name and labels as
// printed) to value.
func scrapeMetrics(ctx context.Context, base string) (map[string]float64, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/metrics", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("read metrics: %w", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("read metrics: %w", err)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			continue
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			continue
		}
		out[line[:i]] = v
	}
	return out, sc.Err()
}
