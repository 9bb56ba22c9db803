// Package frontend holds the browser pages, embedded into the server binary.
package frontend

import "embed"

// Files holds the pages at its root and their scripts and styles under static/.
//
//go:embed *.html static
var Files embed.FS
