package main

import (
	"io/fs"
	"net/http"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/sitrep/sitrep/frontend"
)

// contentSecurityPolicy allows only the server's own scripts, styles and
// websocket, so text typed into the board can never run as script. It ends
// with the frame-ancestors directive, which pages append.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors "

func (s *server) securityHeaders(c *fiber.Ctx) error {
	c.Set("Content-Security-Policy", contentSecurityPolicy+"'none'")
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Referrer-Policy", "no-referrer")
	c.Set("X-Frame-Options", "DENY")
	return c.Next()
}

// embeddable lets the sites in the configured frame-ancestors embed the
// page, for a countdown on a wall dashboard. X-Frame-Options has no way to
// name several sites, so it is left out once any site may embed the page.
func (s *server) embeddable(c *fiber.Ctx) error {
	c.Set("Content-Security-Policy", contentSecurityPolicy+s.cfg.FrameAncestors)
	if s.cfg.FrameAncestors != "'none'" {
		c.Response().Header.Del("X-Frame-Options")
	}
	return c.Next()
}

// page serves one embedded HTML page. The incident id and token are read by
// the page's script from the path and the URL fragment.
func (s *server) page(name string) fiber.Handler {
	body, err := fs.ReadFile(frontend.Files, name)
	if err != nil {
		panic("server: embedded page " + name + " is missing: " + err.Error())
	}
	return func(c *fiber.Ctx) error {
		c.Set("Cache-Control", "no-cache")
		c.Type("html", "utf-8")
		return c.Send(body)
	}
}

func (s *server) static() fiber.Handler {
	sub, err := fs.Sub(frontend.Files, "static")
	if err != nil {
		panic("server: embedded static folder is missing: " + err.Error())
	}
	return filesystem.New(filesystem.Config{Root: http.FS(sub), MaxAge: 0})
}
