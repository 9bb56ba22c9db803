package main

import (
	"errors"

	"github.com/gofiber/fiber/v2"
	"github.com/sitrep/sitrep/hub"
)

type webhookRequest struct {
	URL string `json:"url"`
}

// setWebhook sets or removes the incident's Slack-compatible incoming
// webhook, on the request of an edit-token holder. The answer and the
// board show only the URL's host.
func (s *server) setWebhook(c *fiber.Ctx) error {
	tok, authErr := bearerToken(c)
	if authErr != nil {
		return authErr
	}
	var req webhookRequest
	if err := decodeJSON(c.Body(), &req); err != nil {
		return err
	}
	id := c.Params("id")
	host, err := s.hub.SetWebhook(c.UserContext(), id, tok, req.URL)
	switch {
	case errors.Is(err, hub.ErrInvalidWebhook):
		return badRequest("url", err.Error())
	case errors.Is(err, hub.ErrNoAccess):
		return &apiError{Status: fiber.StatusNotFound, Message: "no incident " + id + " opens with this token"}
	case errors.Is(err, hub.ErrNotEditor):
		return &apiError{Status: fiber.StatusForbidden, Field: "Authorization", Message: "the stakeholder link cannot set the webhook of incident " + id + "; use the edit link"}
	case err != nil:
		return unavailable(err)
	}
	return c.JSON(fiber.Map{"id": id, "host": host})
}
