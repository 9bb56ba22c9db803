package e2e

import (
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
)

// Network states a browserProxy can put one browser window in.
const (
	netOnline      = iota
	netOffline     // nothing gets through
	netSocketsDown // pages load, but websockets cannot connect
)

// browserProxy is an HTTP proxy on loopback that one browser window sends
// all its traffic through, so a test can take that window offline while
// others stay connected. Chromium tunnels websockets through CONNECT.
type browserProxy struct {
	addr string

	mu      sync.Mutex
	state   int
	tunnels map[net.Conn]struct{}
}

func startBrowserProxy(t *testing.T) *browserProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &browserProxy{addr: ln.Addr().String(), tunnels: map[net.Conn]struct{}{}}
	srv := &http.Server{Handler: p}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() {
		srv.Close()
		p.set(netOffline)
	})
	return p
}

// set changes the network state; cutting it closes the open tunnels, as a
// dropped Wi-Fi does.
func (p *browserProxy) set(state int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.state = state
	if state == netOnline {
		return
	}
	for c := range p.tunnels {
		c.Close()
	}
	p.tunnels = map[net.Conn]struct{}{}
}

func (p *browserProxy) current() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.state
}

func (p *browserProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	state := p.current()
	if r.Method == http.MethodConnect {
		if state != netOnline {
			http.Error(w, "offline", http.StatusServiceUnavailable)
			return
		}
		p.tunnel(w, r)
		return
	}
	if state == netOffline {
		http.Error(w, "offline", http.StatusBadGateway)
		return
	}
	r.RequestURI = ""
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}

func (p *browserProxy) tunnel(w http.ResponseWriter, r *http.Request) {
	upstream, err := net.Dial("tcp", r.Host)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	client, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		upstream.Close()
		return
	}
	_, _ = client.Write([]byte("HTTP/1.1 200 Connection Established\r\n\r\n"))
	p.mu.Lock()
	p.tunnels[client] = struct{}{}
	p.tunnels[upstream] = struct{}{}
	p.mu.Unlock()
	go func() {
		_, _ = io.Copy(upstream, client)
		upstream.Close()
		client.Close()
	}()
	_, _ = io.Copy(client, upstream)
	upstream.Close()
	client.Close()
}
