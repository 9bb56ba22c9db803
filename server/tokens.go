package main

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/sitrep/sitrep/hub"
	"github.com/sitrep/sitrep/token"
)

type rotateRequest struct {
	Kind string `json:"kind"`
}

type rotateResponse struct {
	ID           string `json:"id"`
	Kind         string `json:"kind"`
	EditURL      string `json:"editUrl,omitempty"`
	EditToken    string `json:"editToken,omitempty"`
	ViewURL      string `json:"viewUrl,omitempty"`
	CountdownURL string `json:"countdownUrl,omitempty"`
	ViewToken    string `json:"viewToken,omitempty"`
}

// bearerToken returns the token of an Authorization: Bearer header.
func bearerToken(c *fiber.Ctx) (string, *apiError) {
	tok, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	if !ok || tok == "" {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="sitrep"`)
		return "", &apiError{Status: fiber.StatusUnauthorized, Field: "Authorization", Message: "send the edit token as Authorization: Bearer TOKEN"}
	}
	return tok, nil
}

// rotateToken issues a new edit or view link for an incident, on the
// request of an edit-token holder. The old link of that kind stops working
// at once and its open connections are closed.
func (s *server) rotateToken(c *fiber.Ctx) error {
	tok, authErr := bearerToken(c)
	if authErr != nil {
		return authErr
	}
	var req rotateRequest
	if err := decodeJSON(c.Body(), &req); err != nil {
		return err
	}
	role := hub.Role(req.Kind)
	if role != hub.RoleEdit && role != hub.RoleView {
		return badRequest("kind", `"`+req.Kind+`" is not a link kind, use "edit" or "view"`)
	}
	id := c.Params("id")
	fresh := token.New()
	err := s.hub.RotateToken(c.UserContext(), id, tok, role, token.Hash(fresh))
	switch {
	case errors.Is(err, hub.ErrNoAccess):
		return &apiError{Status: fiber.StatusNotFound, Message: "no incident " + id + " opens with this token"}
	case errors.Is(err, hub.ErrNotEditor):
		return &apiError{Status: fiber.StatusForbidden, Field: "Authorization", Message: "the stakeholder link cannot issue links of incident " + id + "; use the edit link"}
	case err != nil:
		return unavailable(err)
	}
	base := s.cfg.PublicURL + "/incidents/" + id
	resp := rotateResponse{ID: id, Kind: req.Kind}
	if role == hub.RoleEdit {
		resp.EditToken = fresh
		resp.EditURL = base + "#key=" + fresh
	} else {
		resp.ViewToken = fresh
		resp.ViewURL = base + "/view#key=" + fresh
		resp.CountdownURL = base + "/countdown#key=" + fresh
	}
	return c.JSON(resp)
}
