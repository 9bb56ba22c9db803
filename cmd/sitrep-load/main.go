// Command sitrep-load measures a sitrep server under the load of an
// outage: a few editors change one incident while many viewers watch it on
// the stakeholder link. For each edit it measures the time until every
// connection has received it, and it reports deliveries per second, lost
// messages, dropped viewers, the server's memory and goroutines per
// connection and the CPU time of both processes.
//
// Without -url it builds ./server, runs it on a free loopback port with a
// throwaway database and stops it at the end. Run it from the repository
// root:
//
//	go run ./cmd/sitrep-load -viewers 1000 -editors 5 -rate 20 -duration 30s
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

type config struct {
	url         string
	serverPkg   string
	serverFlags string
	viewers     int
	editors     int
	rate        float64
	inflight    int
	duration    time.Duration
	drain       time.Duration
	settle      time.Duration
	size        int
	preload     int
	sources     int
	resume      int
	dialers     int
	jsonOut     bool
}

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "sitrep-load:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (config, error) {
	var c config
	fs := flag.NewFlagSet("sitrep-load", flag.ContinueOnError)
	fs.StringVar(&c.url, "url", "", "base URL of a running server on loopback, such as http://127.0.0.1:8080; empty builds and starts -server")
	fs.StringVar(&c.serverPkg, "server", "./server", "Go package of the server to build when -url is empty")
	fs.StringVar(&c.serverFlags, "server-flags", "", "extra space-separated flags for the started server")
	fs.IntVar(&c.viewers, "viewers", 1000, "connections on the view token")
	fs.IntVar(&c.editors, "editors", 5, "connections on the edit token that send the edits")
	fs.Float64Var(&c.rate, "rate", 20, "edits per second, all editors together; 0 sends as fast as delivery allows, keeping -inflight edits undelivered")
	fs.IntVar(&c.inflight, "inflight", 8, "with -rate 0: edits sent but not yet on every screen")
	fs.DurationVar(&c.duration, "duration", 30*time.Second, "how long edits are sent")
	fs.DurationVar(&c.drain, "drain", 10*time.Second, "how long to wait after the last edit for every screen to receive it")
	fs.DurationVar(&c.settle, "settle", 3*time.Second, "pause after connecting before memory is read")
	fs.IntVar(&c.size, "size", 200, "bytes of text in each edit's timeline entry")
	fs.IntVar(&c.preload, "preload", 0, "timeline entries added before the viewers connect")
	fs.IntVar(&c.sources, "sources", 1, "source addresses 127.0.0.1 to 127.0.0.N used in turn, for more than about 28,000 connections")
	fs.IntVar(&c.resume, "resume", 0, "after the run, compare the welcome of a new viewer with that of one reconnecting N changes behind (0 skips)")
	fs.IntVar(&c.dialers, "dialers", 64, "connections opened at the same time while connecting")
	fs.BoolVar(&c.jsonOut, "json", false, "print the report as one JSON object")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	switch {
	case c.viewers < 0 || c.editors < 1:
		return c, errors.New("-viewers must be 0 or more and -editors 1 or more")
	case c.rate < 0 || c.inflight < 1:
		return c, errors.New("-rate must be 0 or more and -inflight 1 or more")
	case c.duration <= 0 || c.size < 1 || c.size > 2000:
		return c, errors.New("-duration must be positive and -size 1 to 2000 (the timeline text limit)")
	case c.sources < 1 || c.sources > 254 || c.dialers < 1:
		return c, errors.New("-sources must be 1 to 254 and -dialers 1 or more")
	}
	if c.url != "" {
		u, err := url.Parse(c.url)
		if err != nil || u.Scheme != "http" || !strings.HasPrefix(u.Host, "127.") {
			return c, fmt.Errorf("-url %q: use http:// and a 127.0.0.0/8 address; the tool loads only loopback servers", c.url)
		}
	}
	return c, nil
}

func run(args []string, out io.Writer) error {
	cfg, err := parseFlags(args)
	if err != nil {
		return err
	}
	raiseFileLimit()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	base := cfg.url
	if base == "" {
		srv, err := startServer(ctx, cfg.serverPkg, strings.Fields(cfg.serverFlags))
		if err != nil {
			return err
		}
		defer srv.stop()
		base = "http://" + srv.addr
	}
	rep, err := measure(ctx, cfg, base)
	if err != nil {
		return err
	}
	if cfg.jsonOut {
		enc := json.NewEncoder(out)
		return enc.Encode(rep)
	}
	rep.print(out)
	return nil
}
