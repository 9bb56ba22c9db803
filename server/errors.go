package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
)

// maxBodyBytes bounds every request body.
const maxBodyBytes = 64 << 10

// apiError is an error answered as JSON with an HTTP status.
type apiError struct {
	Status int `json:"-"`
	// Code is a stable name for errors a client acts on, such as
	// "rate-limited"; most errors have none.
	Code    string `json:"code,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

func (e *apiError) Error() string { return e.Field + ": " + e.Message }

func badRequest(field, message string) *apiError {
	return &apiError{Status: fiber.StatusBadRequest, Field: field, Message: message}
}

// handleError renders every error a handler returns as
// {"error": {"field": ..., "message": ...}}, logging server faults once.
func (s *server) handleError(c *fiber.Ctx, err error) error {
	var apiErr *apiError
	var fiberErr *fiber.Error
	switch {
	case errors.As(err, &apiErr):
	case errors.As(err, &fiberErr):
		apiErr = &apiError{Status: fiberErr.Code, Message: fiberErr.Message}
		if fiberErr.Code == fiber.StatusRequestEntityTooLarge {
			apiErr.Field = "body"
			apiErr.Message = "request body is larger than 64 KiB"
		}
	default:
		s.log.Error("request failed", "method", c.Method(), "path", c.Route().Path, "err", err)
		apiErr = &apiError{Status: fiber.StatusInternalServerError, Message: "internal error; try again"}
	}
	if apiErr.Status >= 500 && apiErr.Status != fiber.StatusInternalServerError {
		s.log.Error("request failed", "method", c.Method(), "path", c.Route().Path, "status", apiErr.Status, "err", apiErr.Message)
	}
	return c.Status(apiErr.Status).JSON(fiber.Map{"error": apiErr})
}

// decodeJSON reads a request body into v, rejecting invalid UTF-8, unknown
// fields and trailing data.
func decodeJSON(body []byte, v any) *apiError {
	if !utf8.Valid(body) {
		return badRequest("body", "must be valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest("body", "invalid JSON: "+err.Error())
	}
	if dec.More() {
		return badRequest("body", "must hold one JSON object only")
	}
	return nil
}
