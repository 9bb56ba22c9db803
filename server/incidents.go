package main

import (
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/sitrep/sitrep/board"
	"github.com/sitrep/sitrep/hub"
	"github.com/sitrep/sitrep/store"
	"github.com/sitrep/sitrep/token"
)

type createRequest struct {
	Title    string `json:"title"`
	Severity string `json:"severity"`
	By       string `json:"by"`
}

type createResponse struct {
	ID           string `json:"id"`
	EditURL      string `json:"editUrl"`
	ViewURL      string `json:"viewUrl"`
	CountdownURL string `json:"countdownUrl"`
	EditToken    string `json:"editToken"`
	ViewToken    string `json:"viewToken"`
}

// createIncident declares an incident and returns its edit and view links.
func (s *server) createIncident(c *fiber.Ctx) error {
	var req createRequest
	if err := decodeJSON(c.Body(), &req); err != nil {
		return err
	}
	by := strings.TrimSpace(req.By)
	if by == "" {
		by = "anonymous"
	}
	if err := board.CheckText("by", by, board.MaxNameLength*4); err != nil || len([]rune(by)) > board.MaxNameLength {
		return badRequest("by", "must be a display name of 1 to 60 characters")
	}
	now := time.Now().UTC()
	records, verr := board.NewIncident(req.Title, req.Severity, by, now)
	if verr != nil {
		return badRequest(verr.Field, verr.Message)
	}

	id, err := s.store.NextIncidentID(c.UserContext(), now)
	if err != nil {
		return unavailable(err)
	}
	editToken, viewToken := token.New(), token.New()
	inc := &store.Incident{
		ID:            id,
		CreatedAt:     now,
		EditTokenHash: token.Hash(editToken),
		ViewTokenHash: token.Hash(viewToken),
		Board:         board.NewBoard(id, now, 0, records),
	}
	if err := s.store.CreateIncident(c.UserContext(), inc); err != nil {
		return unavailable(err)
	}
	s.log.Info("incident declared", "incident", id, "severity", req.Severity)
	base := s.cfg.PublicURL + "/incidents/" + id
	return c.Status(fiber.StatusCreated).JSON(createResponse{
		ID:           id,
		EditURL:      base + "#key=" + editToken,
		ViewURL:      base + "/view#key=" + viewToken,
		CountdownURL: base + "/countdown#key=" + viewToken,
		EditToken:    editToken,
		ViewToken:    viewToken,
	})
}

func unavailable(err error) *apiError {
	return &apiError{Status: fiber.StatusServiceUnavailable, Message: "the database is unavailable; try again shortly (" + err.Error() + ")"}
}

// listIncidents returns the summaries of the incidents the query's filter
// selects, active ones first.
func (s *server) listIncidents(c *fiber.Ctx) error {
	filter, ferr := parseListFilter(c)
	if ferr != nil {
		return ferr
	}
	all, err := s.store.ListIncidents(c.UserContext())
	if err != nil {
		return unavailable(err)
	}
	list := []store.Summary{}
	for _, sum := range all {
		if filter.keep(sum) {
			list = append(list, sum)
		}
	}
	return c.JSON(fiber.Map{"incidents": list})
}

type incidentResponse struct {
	ID         string         `json:"id"`
	Role       hub.Role       `json:"role"`
	Seq        int64          `json:"seq"`
	ServerTime string         `json:"serverTime"`
	Records    []board.Record `json:"records"`
}

// getIncident returns the incident as the bearer token's role may see it.
func (s *server) getIncident(c *fiber.Ctx) error {
	tok, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	if !ok || tok == "" {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="sitrep"`)
		return &apiError{Status: fiber.StatusUnauthorized, Field: "Authorization", Message: "send the edit or view token as Authorization: Bearer TOKEN"}
	}
	id := c.Params("id")
	inc, err := s.hub.Lookup(c.UserContext(), id, tok)
	if errors.Is(err, hub.ErrNoAccess) {
		return &apiError{Status: fiber.StatusNotFound, Message: "no incident " + id + " opens with this token"}
	}
	if err != nil {
		return unavailable(err)
	}
	return c.JSON(incidentResponse{ID: inc.ID, Role: inc.Role, Seq: inc.Seq, ServerTime: board.FormatTime(time.Now()), Records: inc.Records})
}
