package e2e

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// binary is the server built once for all tests of this package.
var binary string

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "sitrep-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "sitrep")
	build := exec.Command("go", "build", "-o", binary, "../server")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: building the server failed:", err)
		return 1
	}
	return m.Run()
}

// sitrep is the real server binary running on a loopback port with a data
// folder of its own.
type sitrep struct {
	t    testing.TB
	addr string
	data string
	env  []string // extra environment, such as SITREP_MONGODB_URI or SITREP_LOG_LEVEL=debug
	cmd  *exec.Cmd
	logs *lockedBuffer
	done chan struct{}
}

func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startSitrep starts the server with the extra environment variables env
// and waits until /healthz returns 200.
func startSitrep(t testing.TB, env ...string) *sitrep {
	t.Helper()
	s := &sitrep{t: t, addr: freeAddr(t), data: t.TempDir(), env: env, logs: &lockedBuffer{}}
	s.start()
	t.Cleanup(func() {
		s.stop(syscall.SIGTERM)
		if t.Failed() {
			t.Logf("server log:\n%s", s.logs.String())
		}
	})
	return s
}

func (s *sitrep) start() {
	s.t.Helper()
	s.cmd = exec.Command(binary)
	s.cmd.Env = append(os.Environ(), "SITREP_ADDR="+s.addr, "SITREP_DATA="+s.data)
	s.cmd.Env = append(s.cmd.Env, s.env...)
	s.cmd.Stdout, s.cmd.Stderr = s.logs, s.logs
	if err := s.cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	s.done = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) {
		_ = cmd.Wait()
		close(done)
	}(s.cmd, s.done)
	s.waitHealthy()
}

func (s *sitrep) url() string { return "http://" + s.addr }

// waitHealthy polls /healthz until it returns 200, for at most 60 seconds.
func (s *sitrep) waitHealthy() {
	s.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			s.t.Fatalf("server exited while starting:\n%s", s.logs.String())
		default:
		}
		resp, err := http.Get(s.url() + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		// A short pause between polls of a server that is starting, not a
		// wait standing in for a condition.
		time.Sleep(50 * time.Millisecond)
	}
	s.t.Fatalf("server not healthy within 60s:\n%s", s.logs.String())
}

// stop sends sig and waits up to 30 seconds for the process to exit.
func (s *sitrep) stop(sig os.Signal) {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.cmd.Process.Signal(sig)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
		s.t.Errorf("server did not exit within 30s of %v", sig)
	}
}

// restart stops the server gracefully and starts it again on the same
// address and data folder.
func (s *sitrep) restart() {
	s.t.Helper()
	s.stop(syscall.SIGTERM)
	s.start()
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// chromiumPath finds Debian's chromium.
func chromiumPath(t testing.TB) string {
	t.Helper()
	for _, p := range []string{os.Getenv("SITREP_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Fatal("chromium not found: install it with apt-get install -y chromium, or set SITREP_CHROMIUM")
	return ""
}

// newWindow starts a headless Chromium of its own, so each window has its
// own storage, as two people on two laptops would. width and height set the
// window size.
func newWindow(t testing.TB, width, height int, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:0:0],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	)
	opts = append(opts, extra...)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	// The first action starts the browser; it must run without a deadline,
	// because that deadline would end the browser too.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return ctx
}

// run runs chromedp actions with a deadline, failing the test on error.
func run(t testing.TB, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("%s: timed out after 20s", what)
		}
		t.Fatalf("%s: %v", what, err)
	}
}
