package main

import (
	"context"
	"log/slog"
	"net"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/sitrep/sitrep/hub"
	"github.com/sitrep/sitrep/store"
)

// app is a running sitrep: its database, hub and HTTP listener.
type app struct {
	log      *slog.Logger
	embedded *store.Embedded // nil with an external MongoDB
	store    *store.Store
	hub      *hub.Hub
	srv      *server
	ln       net.Listener
	failed   chan error // receives the listener's error if serving stops on its own
}

// start opens the database (embedding FerretDB when no MongoDB URI is
// configured), binds the listen address and starts serving.
func start(ctx context.Context, cfg Config, log *slog.Logger) (*app, error) {
	a := &app{log: log, failed: make(chan error, 1)}
	uri := cfg.MongoDBURI
	if uri == "" {
		startCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
		emb, err := store.StartEmbedded(startCtx, cfg.DataDir, log)
		cancel()
		if err != nil {
			return nil, err
		}
		a.embedded = emb
		uri = emb.URI
		log.Info("embedded database started", "data", cfg.DataDir)
	}
	openCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	st, err := store.Open(openCtx, uri, cfg.Database)
	cancel()
	if err != nil {
		a.stopDatabase()
		return nil, err
	}
	a.store = st

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	hubCfg := hub.DefaultConfig()
	hubCfg.MessageRate, hubCfg.MessageBurst = float64(cfg.MessageRate), cfg.MessageBurst
	hubCfg.FollowInterval = cfg.FollowInterval
	a.hub = hub.New(st, log, reg, hubCfg)
	a.srv = newServer(cfg, st, a.hub, reg, log)

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		a.stopDatabase()
		return nil, err
	}
	a.ln = ln
	go func() { a.failed <- a.srv.app.Listener(ln) }()
	log.Info("sitrep started", "addr", a.addr(), "public_url", cfg.PublicURL)
	return a, nil
}

func (a *app) addr() string { return a.ln.Addr().String() }

// stop shuts down in dependency order. Websockets go first: their handlers
// finish storing the changes in flight and write the rooms' snapshots while
// the database is still open.
func (a *app) stop(ctx context.Context) {
	a.log.Info("sitrep stopping")
	if err := a.hub.Shutdown(ctx); err != nil {
		a.log.Error("closing websockets failed", "err", err)
	}
	if err := a.srv.app.ShutdownWithContext(ctx); err != nil {
		a.log.Error("closing HTTP server failed", "err", err)
	}
	a.stopDatabase()
	a.log.Info("sitrep stopped")
}

func (a *app) stopDatabase() {
	if a.store != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := a.store.Close(ctx); err != nil {
			a.log.Error("closing database connection failed", "err", err)
		}
	}
	if a.embedded != nil {
		a.embedded.Stop()
	}
}
