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
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/sitrep/sitrep/hub"
	"github.com/sitrep/sitrep/store"
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

func run(args []string) error {
	cfg, err := ParseConfig(args, envOrEmpty, os.Stderr)
	if err != nil {
		return err
	}
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	uri := cfg.MongoDBURI
	if uri == "" {
		startCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
		emb, err := store.StartEmbedded(startCtx, cfg.DataDir, log)
		cancel()
		if err != nil {
			return err
		}
		defer emb.Stop()
		uri = emb.URI
		log.Info("embedded database started", "data", cfg.DataDir)
	}
	openCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	st, err := store.Open(openCtx, uri, cfg.Database)
	cancel()
	if err != nil {
		return err
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = st.Close(closeCtx)
	}()

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	h := hub.New(st, log, reg, hub.DefaultConfig())
	srv := newServer(cfg, st, h, reg, log)

	errc := make(chan error, 1)
	go func() { errc <- srv.listen() }()
	log.Info("sitrep started", "addr", srv.addr(), "public_url", cfg.PublicURL)

	select {
	case err := <-errc:
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	case <-ctx.Done():
	}
	log.Info("sitrep stopping")
	// Websockets first: their handlers finish storing the changes in flight
	// and write the rooms' snapshots while the database is still open.
	shutCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := h.Shutdown(shutCtx); err != nil {
		log.Error("closing websockets", "err", err)
	}
	if err := srv.app.ShutdownWithContext(shutCtx); err != nil {
		log.Error("closing HTTP server", "err", err)
	}
	log.Info("sitrep stopped")
	return nil
}
