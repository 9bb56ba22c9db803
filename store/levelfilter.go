package store

import (
	"context"
	"log/slog"
)

// levelFilter passes on only records at or above min.
//
// FerretDB makes a logger with attributes for every operation, and slog's
// handlers format attributes as soon as they are added. In a 1,000-viewer
// load run that formatting was a quarter of what the server allocated, for
// loggers that almost never write, because only errors pass. So the filter
// keeps the attributes and groups and hands them to the handler only when a
// record passes.
type levelFilter struct {
	handler slog.Handler
	min     slog.Level
	with    []withStep // applied to handler, in order, before a record is handled
}

// withStep is one WithAttrs (attrs set) or WithGroup (group set) call.
type withStep struct {
	attrs []slog.Attr
	group string
}

func (l levelFilter) Enabled(ctx context.Context, level slog.Level) bool {
	return level >= l.min && l.handler.Enabled(ctx, level)
}

func (l levelFilter) Handle(ctx context.Context, r slog.Record) error {
	h := l.handler
	for _, w := range l.with {
		if w.attrs != nil {
			h = h.WithAttrs(w.attrs)
		} else {
			h = h.WithGroup(w.group)
		}
	}
	return h.Handle(ctx, r)
}

func (l levelFilter) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return l
	}
	return l.plus(withStep{attrs: attrs})
}

func (l levelFilter) WithGroup(name string) slog.Handler {
	if name == "" {
		return l
	}
	return l.plus(withStep{group: name})
}

// plus returns a copy of l with one more step. The copy gets a slice of its
// own, so loggers derived from one parent never share appended steps.
func (l levelFilter) plus(w withStep) levelFilter {
	steps := make([]withStep, len(l.with), len(l.with)+1)
	copy(steps, l.with)
	l.with = append(steps, w)
	return l
}
