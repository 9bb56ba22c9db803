package main

import (
	"context"
	"log/slog"
	"net"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/sitrep/sitrep/hub"
	"github.com/sitrep/sitrep/store"
)

// server holds what the HTTP handlers share.
type server struct {
	cfg   Config
	store *store.Store
	hub   *hub.Hub
	reg   *prometheus.Registry
	log   *slog.Logger
	app   *fiber.App
	ln    net.Listener
	// base is the context websocket handlers run under; it outlives requests
	// because hijacked connections leave Fiber's request cycle.
	base context.Context
}

func newServer(cfg Config, st *store.Store, h *hub.Hub, reg *prometheus.Registry, log *slog.Logger) *server {
	s := &server{cfg: cfg, store: st, hub: h, reg: reg, log: log, base: context.Background()}
	s.app = fiber.New(fiber.Config{
		AppName:               "sitrep",
		DisableStartupMessage: true,
		BodyLimit:             maxBodyBytes,
		ErrorHandler:          s.handleError,
	})
	s.routes()
	return s
}

// listen binds the configured address and serves until the app shuts down.
func (s *server) listen() error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return err
	}
	s.ln = ln
	return s.app.Listener(ln)
}

// addr returns the bound address, or the configured one before binding.
func (s *server) addr() string {
	if s.ln != nil {
		return s.ln.Addr().String()
	}
	return s.cfg.Addr
}
