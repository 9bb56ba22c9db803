package main

import (
	"context"
	"log/slog"

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
	// base is the context websocket handlers run under; it outlives requests
	// because hijacked connections leave Fiber's request cycle.
	base context.Context
	// connLimit bounds websocket connections per client address, and
	// signInLimit guesses of the access key.
	connLimit   *addressLimiter
	signInLimit *addressLimiter
	// clients finds a request's client address, also behind trusted proxies.
	clients *clientAddresses
}

// signInsPerMinute is how many sign-in attempts one address may make per
// minute: enough for typing mistakes, too few to guess a key.
const signInsPerMinute = 10

func newServer(cfg Config, st *store.Store, h *hub.Hub, reg *prometheus.Registry, log *slog.Logger) *server {
	clients := newClientAddresses(cfg.TrustedProxies)
	s := &server{cfg: cfg, store: st, hub: h, reg: reg, log: log, base: context.Background(), clients: clients,
		connLimit:   newAddressLimiter("websocket connections", cfg.ConnectionsPerMinute, clients.of),
		signInLimit: newAddressLimiter("sign-in attempts", signInsPerMinute, clients.of)}
	s.app = fiber.New(fiber.Config{
		AppName:               "sitrep",
		DisableStartupMessage: true,
		BodyLimit:             maxBodyBytes,
		ErrorHandler:          s.handleError,
	})
	// Websocket handlers keep the connections they hijack; see websocket.
	s.app.Server().KeepHijackedConns = true
	s.routes()
	return s
}
