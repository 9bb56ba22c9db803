package main

import (
	"github.com/gofiber/fiber/v2"
	"github.com/sitrep/sitrep/board"
	"github.com/sitrep/sitrep/hub"
)

type schemaField struct {
	Name     string   `json:"name"`
	Kind     string   `json:"kind"`
	Max      int      `json:"max,omitempty"`
	Values   []string `json:"values,omitempty"`
	Required bool     `json:"required,omitempty"`
	Default  string   `json:"default,omitempty"`
	// Min and MaxInt bound an int field; ServerOnly fields cannot be changed.
	Min        *int64 `json:"min,omitempty"`
	MaxInt     int64  `json:"maxInt,omitempty"`
	ServerOnly bool   `json:"serverOnly,omitempty"`
}

type schemaList struct {
	Name   string        `json:"name"`
	Single bool          `json:"single,omitempty"`
	Ranked bool          `json:"ranked,omitempty"`
	Public bool          `json:"public,omitempty"`
	System bool          `json:"system,omitempty"`
	Fields []schemaField `json:"fields"`
}

var kindNames = map[board.Kind]string{
	board.KindText: "text", board.KindEnum: "enum", board.KindTime: "time", board.KindBool: "bool", board.KindURL: "url",
	board.KindInt: "int",
}

// schemaBody is built once: the schema never changes while the server runs.
var schemaBody = func() fiber.Map {
	lists := make([]schemaList, 0, len(board.Lists))
	for _, l := range board.Lists {
		sl := schemaList{Name: l.Name, Single: l.Single, Ranked: l.Ranked, Public: l.Public, System: l.System}
		for _, f := range l.Fields {
			sf := schemaField{Name: f.Name, Kind: kindNames[f.Kind], Max: f.Max,
				Values: f.Values, Required: f.Required, Default: f.Default, ServerOnly: f.ServerOnly}
			if f.Kind == board.KindInt {
				min := f.Min
				sf.Min, sf.MaxInt = &min, f.MaxInt
			}
			sl.Fields = append(sl.Fields, sf)
		}
		lists = append(lists, sl)
	}
	return fiber.Map{
		"lists":            lists,
		"severities":       board.Severities,
		"severityMeanings": board.SeverityMeanings,
		"limits": fiber.Map{
			"maxRecords": board.MaxRecords, "maxHistory": board.MaxHistory, "maxIdLength": board.MaxIDLength,
			"maxNameLength": board.MaxNameLength, "timeWindowDays": board.TimeWindowDays,
			"maxMessageBytes": hub.MaxMessageBytes,
		},
	}
}()

// schema returns the board's lists, fields, allowed values and limits.
func (s *server) schema(c *fiber.Ctx) error {
	c.Set("Cache-Control", "no-cache")
	return c.JSON(schemaBody)
}
