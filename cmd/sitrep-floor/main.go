// Command sitrep-floor is the least a broadcast server can do, to measure
// what a machine allows before any of sitrep's work. It speaks just enough
// of sitrep's protocol for sitrep-load: it declares an incident, replies to
// a hello with a welcome, and sends each edit it receives, numbered, to every
// connection. It stores nothing, checks nothing and keeps no board. Each
// change is encoded once and written to each connection with one write
// system call, from one goroutine per CPU.
//
// A latency that sitrep-load measures against this program is one no
// server can beat on the same machine with the same tool: the rest of the
// time is the kernel's, the tool's and the Go runtime's. sitrep-load starts
// it as it starts the real server:
//
//	go run ./cmd/sitrep-load -server ./cmd/sitrep-floor -viewers 1000 -editors 5 -rate 20 -duration 30s
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "sitrep-floor:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("sitrep-floor", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8090", "loopback address to listen on")
	size := fs.Int("message-bytes", 806, "bytes of each change message; sitrep's change message for sitrep-load's default 200-byte entry is 806")
	// sitrep-load passes the real server's flags, which this program ignores.
	for _, name := range []string{"data", "log-level", "connections-per-minute", "message-rate", "message-burst"} {
		fs.String(name, "", "accepted so sitrep-load can start this program like the server; ignored")
	}
	if err := fs.Parse(args); err != nil {
		return err
	}

	host, _, err := net.SplitHostPort(*addr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("-addr %q: use a loopback address such as 127.0.0.1:8090; this program is a measuring instrument", *addr)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}

	b := newBroadcaster(*size)
	srv := &http.Server{Handler: routes(b), ReadHeaderTimeout: 10 * time.Second}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-stop
		srv.Close()
	}()

	slog.Info("sitrep-floor listening", "addr", ln.Addr().String())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	b.closeAll()
	return nil
}

// incidentJSON is the one incident this program holds, as POST
// /api/incidents returns it.
const incidentJSON = `{"id":"INC-FLOOR","editToken":"edit","viewToken":"view"}`

func routes(b *broadcaster) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok\n")
	})
	mux.Handle("GET /metrics", promhttp.Handler())
	mux.HandleFunc("POST /api/incidents", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, incidentJSON)
	})
	mux.HandleFunc("GET /api/incidents/INC-FLOOR/ws", b.serve)
	return mux
}
