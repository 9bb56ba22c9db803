package report

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/sitrep/sitrep/board"
)

// Band is a span of time during which a header field held one value.
type Band struct {
	Value      string
	Start, End time.Time
}

// Bands returns the values a header field held over time, oldest first,
// from the field's history and current value. The last band ends at end.
// History keeps board.MaxHistory values, so older bands may be missing.
func Bands(b *board.Board, field string, end time.Time) []Band {
	h := b.Header()
	type point struct {
		value string
		at    time.Time
	}
	var points []point
	for _, p := range h.History[field] {
		v, _ := p.Value.(string)
		points = append(points, point{v, p.At})
	}
	points = append(points, point{h.Text(field), h.Meta[field].At})
	sort.SliceStable(points, func(i, j int) bool { return points[i].at.Before(points[j].at) })
	var out []Band
	for i, p := range points {
		stop := end
		if i+1 < len(points) {
			stop = points[i+1].at
		}
		if !stop.After(p.at) {
			continue
		}
		out = append(out, Band{Value: p.value, Start: p.at.UTC(), End: stop.UTC()})
	}
	return out
}

// Mermaid returns a fenced Mermaid gantt chart of the incident's severity and
// status bands and its update, alert and all-clear moments. Labels come from
// the schema's fixed values only, never from people's text, because Mermaid
// has no escaping that every renderer honours.
func Mermaid(b *board.Board, now time.Time) string {
	end := now.UTC()
	if t, err := time.Parse(time.RFC3339, b.Header().Text("resolvedAt")); err == nil {
		end = t
	}
	var w strings.Builder
	w.WriteString("```mermaid\ngantt\n    dateFormat YYYY-MM-DDTHH:mm:ss\n    axisFormat %H:%M\n")
	stamp := func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05") }
	for _, field := range []string{"severity", "status"} {
		fmt.Fprintf(&w, "    section %s\n", strings.ToUpper(field[:1])+field[1:])
		for i, band := range Bands(b, field, end) {
			fmt.Fprintf(&w, "    %s :%s%d, %s, %s\n", band.Value, field[:3], i, stamp(band.Start), stamp(band.End))
		}
	}
	w.WriteString("    section Events\n")
	n := 0
	for _, r := range live(b.Records(), board.ListTimeline) {
		label := ""
		switch r.Text("kind") {
		case board.EntryAlert:
			label = "alert"
		case board.EntryUpdate:
			label = "update"
		case board.EntryAllClear:
			label = "all clear"
		default:
			continue
		}
		at, err := time.Parse(time.RFC3339, r.Text("at"))
		if err != nil {
			continue
		}
		n++
		fmt.Fprintf(&w, "    %s :milestone, ev%d, %s, 0m\n", label, n, stamp(at))
	}
	w.WriteString("```\n")
	return w.String()
}
