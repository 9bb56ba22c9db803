package e2e

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/sitrep/sitrep/store"
)

// faultProxy forwards TCP connections on loopback to a database and can cut
// them all, as a network partition or a crashed database would.
type faultProxy struct {
	ln       net.Listener
	upstream string

	mu    sync.Mutex
	down  bool
	conns map[net.Conn]struct{}
}

func startProxy(t *testing.T, upstream string) *faultProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &faultProxy{ln: ln, upstream: upstream, conns: map[net.Conn]struct{}{}}
	go p.serve()
	t.Cleanup(func() {
		ln.Close()
		p.cut()
	})
	return p
}

func (p *faultProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		down := p.down
		p.mu.Unlock()
		if down {
			c.Close()
			continue
		}
		up, err := net.Dial("tcp", p.upstream)
		if err != nil {
			c.Close()
			continue
		}
		p.track(c, up)
		go p.pipe(c, up)
		go p.pipe(up, c)
	}
}

func (p *faultProxy) track(conns ...net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range conns {
		p.conns[c] = struct{}{}
	}
}

func (p *faultProxy) pipe(dst, src net.Conn) {
	_, _ = io.Copy(dst, src)
	dst.Close()
	src.Close()
}

// cut closes every connection and refuses new ones until restore.
func (p *faultProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for c := range p.conns {
		c.Close()
	}
	p.conns = map[net.Conn]struct{}{}
}

func (p *faultProxy) restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = false
}

func healthStatus(s *sitrep) int {
	resp, err := http.Get(s.url() + "/healthz")
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestDatabaseOutageRecovers cuts the server off its database in the middle
// of a call: edits are rejected with a clear message and stay pending in
// the browser, /healthz says 503, and all recovers once the database is back.
func TestDatabaseOutageRecovers(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	db, err := store.StartEmbedded(ctx, t.TempDir(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	cancel()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Stop)
	upstream := db.URI[len("mongodb://") : len(db.URI)-1]
	proxy := startProxy(t, upstream)
	s := startSitrep(t, "SITREP_MONGODB_URI=mongodb://"+proxy.ln.Addr().String()+"/")
	inc := declare(t, s, "Database outage", "P1")

	board := newWindow(t, 1280, 1200)
	if err := openBoard(board, s.url(), inc.EditURL, "sonia"); err != nil {
		t.Fatal(err)
	}
	script, err := dialClient(t, s, inc.ID, inc.EditToken, "script")
	if err != nil {
		t.Fatal(err)
	}

	proxy.cut()
	waitUntil(t, 20*time.Second, "/healthz to answer 503", func() bool { return healthStatus(s) == http.StatusServiceUnavailable })

	if err := addItem(board, "timeline", field{"text", "Entered while the database was down"}); err != nil {
		t.Fatal(err)
	}
	run(t, board, "the entry shows as pending",
		chromedp.WaitVisible(chromedp.CSS(Section("timeline")+" "+PendingRow)))
	script.send(timelineAdd("during-outage", "sent by a script during the outage"))
	waitUntil(t, 30*time.Second, "the script's change to be rejected", func() bool {
		script.mu.Lock()
		defer script.mu.Unlock()
		return script.rejected["during-outage"] != ""
	})
	script.mu.Lock()
	reason := script.rejected["during-outage"]
	script.mu.Unlock()
	if !strings.HasPrefix(reason, "unavailable: ") {
		t.Errorf("the change during the outage was answered %q, want code unavailable", reason)
	}

	proxy.restore()
	waitUntil(t, 30*time.Second, "/healthz to answer 200", func() bool { return healthStatus(s) == http.StatusOK })
	run(t, board, "the pending entry is stored by itself",
		chromedp.WaitVisible(chromedp.CSS(ConnectionLive+`[data-pending-count="0"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(Section("timeline")+" "+PendingRow)))
	_, records := apiIncident(t, s, inc.ID, inc.EditToken)
	found := 0
	for _, r := range records {
		if f, _ := r["fields"].(map[string]any); r["list"] == "timeline" && f["text"] == "Entered while the database was down" {
			found++
		}
	}
	if found != 1 {
		t.Errorf("the entry made during the outage is stored %d times, want once", found)
	}
}
