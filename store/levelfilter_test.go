package store

import (
	"bytes"
	"log/slog"
	"testing"
)

// TestLevelFilterKeepsHandlerOutput checks that a passing record
// carries the attributes and groups added before it, as the handler alone
// writes them, and that records below the level are dropped.
func TestLevelFilterKeepsHandlerOutput(t *testing.T) {
	var direct, filtered bytes.Buffer
	opts := &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}
	want := slog.New(slog.NewJSONHandler(&direct, opts))
	got := slog.New(levelFilter{handler: slog.NewJSONHandler(&filtered, opts), min: slog.LevelError})
	for _, l := range []*slog.Logger{want, got} {
		conn := l.With("component", "ferretdb").WithGroup("conn").With("id", 7)
		conn.Error("insert failed", "collection", "changes")
		// A sibling derived from the same parent must not see conn's group.
		l.With("component", "ferretdb").Error("listener stopped")
	}
	got.Warn("dropped below the level")
	if filtered.String() != direct.String() {
		t.Errorf("filtered output\n%s\nwant\n%s", filtered.String(), direct.String())
	}
}

// countingHandler counts the WithAttrs calls that reach it.
type countingHandler struct {
	slog.Handler
	withAttrs *int
}

func (c countingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	*c.withAttrs++
	return countingHandler{Handler: c.Handler.WithAttrs(attrs), withAttrs: c.withAttrs}
}

// TestLevelFilterDefersAttributes checks that loggers that only ever log
// below the level never make the handler format their attributes.
func TestLevelFilterDefersAttributes(t *testing.T) {
	var calls int
	base := countingHandler{Handler: slog.NewTextHandler(&bytes.Buffer{}, nil), withAttrs: &calls}
	l := slog.New(levelFilter{handler: base, min: slog.LevelError})
	for i := range 100 {
		l.With("op", "insert", "n", i).Debug("operation done")
	}
	if calls != 0 {
		t.Errorf("handler's WithAttrs called %d times for loggers that wrote nothing, want 0", calls)
	}
	l.With("op", "insert").Error("operation failed")
	if calls != 1 {
		t.Errorf("handler's WithAttrs called %d times for one error, want 1", calls)
	}
}
