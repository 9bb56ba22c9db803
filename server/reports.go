package main

import (
	"encoding/json"
	"errors"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/sitrep/sitrep/board"
	"github.com/sitrep/sitrep/hub"
	"github.com/sitrep/sitrep/report"
)

// editorBoard returns a copy of the incident's board for the holder of the
// edit token in the Authorization header: 401 without a token, 404 for a
// token that does not open the incident, 403 for the view token.
func (s *server) editorBoard(c *fiber.Ctx) (*board.Board, error) {
	tok, authErr := bearerToken(c)
	if authErr != nil {
		return nil, authErr
	}
	id := c.Params("id")
	inc, err := s.hub.Lookup(c.UserContext(), id, tok)
	switch {
	case errors.Is(err, hub.ErrNoAccess):
		return nil, &apiError{Status: fiber.StatusNotFound, Message: "no incident " + id + " opens with this token"}
	case err != nil:
		return nil, unavailable(err)
	case inc.Role != hub.RoleEdit:
		return nil, &apiError{Status: fiber.StatusForbidden, Field: "Authorization", Message: "the stakeholder link cannot export incident " + id + "; use the edit link"}
	}
	return board.NewBoard(inc.ID, time.Time{}, inc.Seq, inc.Records), nil
}

// attach sets the headers of a download named name.
func attach(c *fiber.Ctx, contentType, name string) {
	c.Set(fiber.HeaderContentType, contentType)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
}

// handoffText returns the handoff brief as plain text.
func (s *server) handoffText(c *fiber.Ctx) error {
	b, err := s.editorBoard(c)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/plain; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendString(report.Handoff(b, time.Now()))
}

// exportMarkdown returns the postmortem draft as Markdown.
func (s *server) exportMarkdown(c *fiber.Ctx) error {
	b, err := s.editorBoard(c)
	if err != nil {
		return err
	}
	attach(c, "text/markdown; charset=utf-8", b.ID+"-postmortem.md")
	return c.SendString(report.Markdown(b, time.Now()))
}

// exportJSON returns the whole incident: every record with its history.
func (s *server) exportJSON(c *fiber.Ctx) error {
	b, err := s.editorBoard(c)
	if err != nil {
		return err
	}
	body, jerr := json.MarshalIndent(incidentResponse{ID: b.ID, Role: hub.RoleEdit, Seq: b.Seq,
		ServerTime: board.FormatTime(time.Now()), Records: b.Records()}, "", "  ")
	if jerr != nil {
		return jerr
	}
	attach(c, "application/json", b.ID+".json")
	return c.Send(body)
}

// postmortemICS returns the postmortem meeting as an iCalendar file.
func (s *server) postmortemICS(c *fiber.Ctx) error {
	b, err := s.editorBoard(c)
	if err != nil {
		return err
	}
	domain := "sitrep.invalid"
	if u, perr := url.Parse(s.cfg.PublicURL); perr == nil && u.Hostname() != "" {
		domain = u.Hostname()
	}
	body, ierr := report.PostmortemICS(b, time.Now(), domain)
	if errors.Is(ierr, report.ErrNoMeetingTime) {
		return &apiError{Status: fiber.StatusConflict, Field: "postmortemAt", Message: "incident " + b.ID + " has " + ierr.Error()}
	}
	if ierr != nil {
		return ierr
	}
	attach(c, "text/calendar; charset=utf-8", b.ID+"-postmortem.ics")
	return c.Send(body)
}
