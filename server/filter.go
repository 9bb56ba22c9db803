package main

import (
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/sitrep/sitrep/board"
	"github.com/sitrep/sitrep/store"
)

// maxQuery bounds a search or service filter of the incident list, in bytes.
const maxQuery = 200

// listFilter selects incidents of the list; empty fields select all.
type listFilter struct {
	status, severity, service, query string
}

// parseListFilter reads the query parameters of GET /api/incidents: status
// (a status, or "active" for any not resolved or closed), severity,
// service (an affected service, case-insensitive) and q (words that the
// title or timeline text must contain).
func parseListFilter(c *fiber.Ctx) (listFilter, *apiError) {
	f := listFilter{status: c.Query("status"), severity: c.Query("severity"),
		service: strings.TrimSpace(c.Query("service")), query: strings.ToLower(strings.TrimSpace(c.Query("q")))}
	if f.status != "" && f.status != "active" && !slices.Contains(board.Statuses, f.status) {
		return f, badRequest("status", `"`+f.status+`" is not a status, use active or one of `+strings.Join(board.Statuses, ", "))
	}
	if f.severity != "" && !slices.Contains(board.Severities, f.severity) {
		return f, badRequest("severity", `"`+f.severity+`" is not a severity, use one of `+strings.Join(board.Severities, ", "))
	}
	for name, v := range map[string]string{"service": f.service, "q": f.query} {
		if err := board.CheckText(name, v, maxQuery); err != nil {
			return f, badRequest(err.Field, err.Message)
		}
	}
	return f, nil
}

// keep reports whether an incident's summary passes the filter. The list is
// filtered here rather than in the database, because FerretDB's SQLite
// backend would scan every document for any filter other than _id anyway.
func (f listFilter) keep(s store.Summary) bool {
	switch {
	case f.status == "active" && board.IsResolvedStatus(s.Status):
		return false
	case f.status != "" && f.status != "active" && s.Status != f.status:
		return false
	case f.severity != "" && s.Severity != f.severity:
		return false
	}
	if f.service != "" && !slices.ContainsFunc(s.AffectedServices, func(name string) bool { return strings.EqualFold(name, f.service) }) {
		return false
	}
	text := s.SearchText
	if text == "" {
		text = strings.ToLower(s.Title)
	}
	for _, word := range strings.Fields(f.query) {
		if !strings.Contains(text, word) {
			return false
		}
	}
	return true
}
