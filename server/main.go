// Command server runs sitrep: the incident board's web pages, its HTTP API
// and its websocket hub, storing incidents in MongoDB or, when none is
// configured, in an embedded FerretDB.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "sitrep:", err)
		os.Exit(1)
	}
}

// gcPercent is the server's garbage collection target unless GOGC is set.
// Most of a busy server's heap is connection state that lives as long as
// the connection, and a broadcast allocates little, so collecting at 1.5
// times the live heap instead of Go's default 2 costs little CPU. It cut the
// memory of an idle viewer from 13.3 KB to 11.4 KB in docs/benchmarks.md.
const gcPercent = 50

func run(args []string) error {
	cfg, err := ParseConfig(args, os.Getenv, os.Stderr)
	if err != nil {
		return err
	}
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(gcPercent)
	}
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	if cfg.PprofAddr != "" {
		servePprof(cfg.PprofAddr, log)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	a, err := start(ctx, cfg, log)
	if err != nil {
		return err
	}
	select {
	case err := <-a.failed:
		a.stop(context.Background())
		return fmt.Errorf("serving on %s: %w", a.addr(), err)
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	a.stop(shutCtx)
	return nil
}
