package main

import (
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// routes registers every route of the server; docs/api.md documents them.
func (s *server) routes() {
	s.app.Use(s.securityHeaders)
	s.app.Get("/", s.requireAccess, s.page("index.html"))
	s.app.Get("/signin", s.signInPage())
	s.app.Post("/signin", s.signInLimit.limit, s.signIn)
	s.app.Get("/incidents/:id", s.page("board.html"))
	s.app.Get("/incidents/:id/view", s.page("view.html"))
	s.app.Get("/incidents/:id/countdown", s.embeddable, s.page("countdown.html"))
	s.app.Use("/static", s.static())
	s.app.Post("/api/incidents", s.requireAccess, s.createIncident)
	s.app.Get("/api/incidents", s.requireAccess, s.listIncidents)
	s.app.Get("/api/incidents/:id", s.getIncident)
	s.app.Post("/api/incidents/:id/tokens", s.rotateToken)
	s.app.Get("/api/incidents/:id/handoff.txt", s.handoffText)
	s.app.Get("/api/incidents/:id/export.md", s.exportMarkdown)
	s.app.Get("/api/incidents/:id/export.json", s.exportJSON)
	s.app.Get("/api/incidents/:id/postmortem.ics", s.postmortemICS)
	s.app.Put("/api/incidents/:id/webhook", s.setWebhook)
	s.app.Get("/api/incidents/:id/ws", s.connLimit.limit, s.websocket)
	s.app.Get("/api/schema", s.schema)

	s.app.Get("/healthz", s.healthz)
	s.app.Get("/metrics", adaptor.HTTPHandler(promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{})))
}
