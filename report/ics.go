package report

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sitrep/sitrep/board"
)

// PostmortemLength is how long the calendar event of a postmortem lasts.
const PostmortemLength = time.Hour

// ErrNoMeetingTime means neither the header's postmortemAt nor the
// postmortem follow-up item's due time is set.
var ErrNoMeetingTime = errors.New("no postmortem meeting time: set the header's postmortemAt, or resolve the incident to start the postmortem clock")

// MeetingTime returns when the postmortem meets: the header's postmortemAt,
// else the due time of the follow-up item with the postmortem clock.
func MeetingTime(b *board.Board) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, b.Header().Text("postmortemAt")); err == nil {
		return t, nil
	}
	for _, r := range live(b.Records(), board.ListFollowUp) {
		if r.Text("clock") != board.ClockPostmortem {
			continue
		}
		if t, err := time.Parse(time.RFC3339, r.Text("due")); err == nil {
			return t, nil
		}
	}
	return time.Time{}, ErrNoMeetingTime
}

// PostmortemICS returns an RFC 5545 calendar holding the postmortem meeting
// of the incident: CRLF line endings, lines folded at 75 octets, text
// escaped and times in UTC. domain makes the event's UID unique.
func PostmortemICS(b *board.Board, now time.Time, domain string) ([]byte, error) {
	start, err := MeetingTime(b)
	if err != nil {
		return nil, err
	}
	h := b.Header()
	owner := ""
	for _, r := range live(b.Records(), board.ListRoles) {
		if strings.EqualFold(strings.TrimSpace(r.Text("role")), board.PostmortemRole) {
			owner = strings.TrimSpace(r.Text("person"))
		}
	}
	description := fmt.Sprintf("Postmortem of %s (%s): %s\nDeclared %s\nPostmortem owner: %s",
		b.ID, h.Text("severity"), h.Text("title"), utc(h.Text("declaredAt"), "unknown"), orNone(owner, "not named"))
	stamp := func(t time.Time) string { return t.UTC().Format("20060102T150405Z") }
	lines := []string{
		"BEGIN:VCALENDAR",
		"VERSION:2.0",
		"PRODID:-//sitrep//incident board//EN",
		"CALSCALE:GREGORIAN",
		"METHOD:PUBLISH",
		"BEGIN:VEVENT",
		"UID:" + icsText(b.ID+"-postmortem@"+domain),
		"DTSTAMP:" + stamp(now),
		"DTSTART:" + stamp(start),
		"DTEND:" + stamp(start.Add(PostmortemLength)),
		"SUMMARY:" + icsText("Postmortem: "+b.ID+" "+h.Text("title")),
		"DESCRIPTION:" + icsText(description),
		"END:VEVENT",
		"END:VCALENDAR",
	}
	var out strings.Builder
	for _, l := range lines {
		out.WriteString(fold(l))
	}
	return []byte(out.String()), nil
}

// icsText escapes a TEXT value as RFC 5545 section 3.3.11 requires:
// backslash, semicolon and comma get a backslash, a line break becomes \n.
func icsText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`, "\r", `\n`)
	return r.Replace(s)
}

// fold ends a content line with CRLF, splitting it into lines of at most 75
// octets with continuation lines that start with a space, without cutting a
// UTF-8 character (RFC 5545 section 3.1).
func fold(line string) string {
	var out strings.Builder
	limit := 75
	for len(line) > limit {
		cut := limit
		for cut > 0 && line[cut]&0xC0 == 0x80 {
			cut--
		}
		out.WriteString(line[:cut])
		out.WriteString("\r\n ")
		line = line[cut:]
		limit = 74 // the leading space counts
	}
	out.WriteString(line)
	out.WriteString("\r\n")
	return out.String()
}
