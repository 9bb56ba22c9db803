package main

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
)

// healthz answers 200 when the database answers a ping within 2 seconds.
func (s *server) healthz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable", "error": err.Error()})
	}
	return c.JSON(fiber.Map{"status": "ok"})
}
