// Package board holds the incident board's data model: the lists of records
// that make up an incident, the changes people make to them, and the rules
// that validate and apply those changes. It knows nothing of storage or
// networking, so the hub, the store and the tests share one definition.
package board

// Kind is the type of a record field.
type Kind int

const (
	// KindText is a UTF-8 string of at most Field.Max bytes.
	KindText Kind = iota
	// KindEnum is a string from Field.Values.
	KindEnum
	// KindTime is an RFC 3339 time, stored and sent in UTC.
	KindTime
	// KindBool is true or false.
	KindBool
	// KindURL is empty or an absolute http or https URL.
	KindURL
	// KindInt is a whole number from Field.Min to Field.Max.
	KindInt
)

// Field describes one editable field of a record.
type Field struct {
	Name     string
	Kind     Kind
	Max      int      // maximum length in bytes, for text and URL fields
	Values   []string // allowed values, for enum fields
	Required bool     // must be present and non-empty when the record is added
	Default  string   // value given on add when the field is missing; "now" for times means the server's clock
	// Stamp names the fields the server sets to the author and time when a
	// bool field turns true, such as who ticked a checklist item and when.
	Stamp bool
	// Min and Max bound an int field's value.
	Min, MaxInt int64
	// ServerOnly fields are computed by the server, such as when an update
	// was last posted; a change that sets one is rejected.
	ServerOnly bool
}

// List describes one section of the board.
type List struct {
	Name   string
	Fields []Field
	// Single lists hold exactly one record with the id of the list's name
	// (the header); records cannot be added to or deleted from them.
	Single bool
	// Ranked lists are ordered by a rank that people change by moving items.
	Ranked bool
	// Public lists are shown on the stakeholder view.
	Public bool
	// System lists are written by the server only, such as the state of
	// the incident's webhook; changes from people are rejected.
	System bool
}

// Limits on what a change and an incident may hold. docs/api.md repeats them.
const (
	MaxTitle        = 200
	MaxShortText    = 120
	MaxText         = 2000
	MaxURL          = 500
	MaxRecords      = 20000 // records of all lists in one incident, deleted ones included
	MaxHistory      = 20    // replaced values kept per field, oldest dropped first
	MaxIDLength     = 64
	MaxNameLength   = 60 // display name of a person on the board
	TimeWindowDays  = 90 // times must lie within this many days of the incident's creation and of now
	HeaderID        = "header"
	ListHeader      = "header"
	ListTimeline    = "timeline"
	ListServices    = "services"
	ListHypotheses  = "hypotheses"
	ListActions     = "actions"
	ListRoles       = "roles"
	ListUpdates     = "updates"
	ListActionItems = "actionItems"
	ListChecklist   = "checklist"
	ListFollowUp    = "followUp"
	ListWebhook     = "webhook"
	WebhookID       = "webhook"
)

// Severities, with the meaning the board shows beside each.
var (
	Severities       = []string{"P0", "P1", "P2"}
	SeverityMeanings = map[string]string{
		"P0": "Critical: a core function is down or data is at risk for many customers",
		"P1": "Major: a key function is degraded or down for some customers",
		"P2": "Minor: limited impact, a workaround exists",
	}
	// Statuses in the order an incident goes through them. "closed" follows
	// "resolved" once the postmortem owner is named; see board/rhythm.go.
	Statuses        = []string{"investigating", "identified", "monitoring", "resolved", "closed"}
	ServiceStates   = []string{"healthy", "degraded", "down", "unknown"}
	HypothesisState = []string{"open", "investigating", "ruled-out", "confirmed"}
	ItemStatuses    = []string{"open", "in-progress", "done"}
	// EntryKinds are the kinds of timeline entry. People add notes and mark
	// alerts; the server adds the others.
	EntryKinds = []string{EntryNote, EntryAlert, EntryUpdate, EntryAuto, EntryAllClear}
	// Audiences of next updates; "status-page" updates also set the header's
	// status page text.
	Audiences = []string{AudienceInternal, AudienceStatusPage, AudienceExec, AudienceOther}
	// FollowUpClocks name the follow-up items whose due time resolving the
	// incident sets.
	FollowUpClocks = []string{"", ClockSummary, ClockPostmortem}
)

// Timeline entry kinds, audiences and follow-up clocks.
const (
	EntryNote          = "note"
	EntryAlert         = "alert"
	EntryUpdate        = "update"
	EntryAuto          = "auto"
	EntryAllClear      = "all-clear"
	AudienceInternal   = "internal"
	AudienceStatusPage = "status-page"
	AudienceExec       = "exec"
	AudienceOther      = "other"
	ClockSummary       = "summary"
	ClockPostmortem    = "postmortem"
	MaxCadenceMinutes  = 1440
)

// Lists is the board's schema, in the order the sections appear.
var Lists = []List{
	{Name: ListHeader, Single: true, Public: true, Fields: []Field{
		{Name: "title", Kind: KindText, Max: MaxTitle, Required: true},
		{Name: "severity", Kind: KindEnum, Values: Severities, Required: true},
		{Name: "status", Kind: KindEnum, Values: Statuses, Required: true},
		{Name: "declaredAt", Kind: KindTime, Required: true},
		{Name: "customerImpact", Kind: KindText, Max: MaxText},
		{Name: "affectedServices", Kind: KindText, Max: MaxText},
		{Name: "statusPageText", Kind: KindText, Max: MaxText},
		{Name: "statusPagePostedAt", Kind: KindTime},
		// The server sets each of these when the status first reaches it;
		// people may correct them.
		{Name: "identifiedAt", Kind: KindTime},
		{Name: "mitigatedAt", Kind: KindTime},
		{Name: "resolvedAt", Kind: KindTime},
		{Name: "closedAt", Kind: KindTime},
		{Name: "postmortemAt", Kind: KindTime},
	}},
	{Name: ListTimeline, Public: true, Fields: []Field{
		{Name: "at", Kind: KindTime, Required: true, Default: "now"},
		{Name: "text", Kind: KindText, Max: MaxText, Required: true},
		{Name: "kind", Kind: KindEnum, Values: EntryKinds, Default: EntryNote},
		{Name: "audience", Kind: KindText, Max: MaxShortText, ServerOnly: true},
	}},
	{Name: ListServices, Fields: []Field{
		{Name: "name", Kind: KindText, Max: MaxShortText, Required: true},
		{Name: "state", Kind: KindEnum, Values: ServiceStates, Default: "unknown"},
		{Name: "note", Kind: KindText, Max: MaxText},
	}},
	{Name: ListHypotheses, Ranked: true, Fields: []Field{
		{Name: "text", Kind: KindText, Max: MaxText, Required: true},
		{Name: "owner", Kind: KindText, Max: MaxShortText},
		{Name: "state", Kind: KindEnum, Values: HypothesisState, Default: "open"},
		{Name: "note", Kind: KindText, Max: MaxText},
	}},
	{Name: ListActions, Fields: []Field{
		{Name: "at", Kind: KindTime, Required: true, Default: "now"},
		{Name: "action", Kind: KindText, Max: MaxText, Required: true},
		{Name: "owner", Kind: KindText, Max: MaxShortText},
		{Name: "result", Kind: KindText, Max: MaxText},
	}},
	{Name: ListRoles, Fields: []Field{
		{Name: "role", Kind: KindText, Max: MaxShortText, Required: true},
		{Name: "person", Kind: KindText, Max: MaxShortText},
	}},
	{Name: ListUpdates, Public: true, Fields: []Field{
		{Name: "name", Kind: KindText, Max: MaxShortText, Required: true},
		{Name: "due", Kind: KindTime},
		{Name: "audience", Kind: KindEnum, Values: Audiences, Default: AudienceOther},
		{Name: "cadence", Kind: KindInt, Min: 0, MaxInt: MaxCadenceMinutes, Default: "0"},
		{Name: "lastPostedAt", Kind: KindTime, ServerOnly: true},
		{Name: "lastText", Kind: KindText, Max: MaxText, ServerOnly: true},
		{Name: "stopped", Kind: KindBool, ServerOnly: true},
	}},
	{Name: ListActionItems, Fields: []Field{
		{Name: "owner", Kind: KindText, Max: MaxShortText},
		{Name: "action", Kind: KindText, Max: MaxText, Required: true},
		{Name: "due", Kind: KindText, Max: MaxShortText},
		{Name: "status", Kind: KindEnum, Values: ItemStatuses, Default: "open"},
	}},
	{Name: ListChecklist, Fields: []Field{
		{Name: "label", Kind: KindText, Max: MaxShortText * 2, Required: true},
		{Name: "done", Kind: KindBool, Stamp: true},
		{Name: "link", Kind: KindURL, Max: MaxURL},
	}},
	{Name: ListFollowUp, Fields: []Field{
		{Name: "label", Kind: KindText, Max: MaxShortText * 2, Required: true},
		{Name: "done", Kind: KindBool, Stamp: true},
		{Name: "due", Kind: KindTime},
		{Name: "clock", Kind: KindEnum, Values: FollowUpClocks, ServerOnly: true},
	}},
	// One record, id "webhook", once a webhook is set: its host (never the
	// whole URL, which is a secret) and how the last deliveries went.
	{Name: ListWebhook, System: true, Fields: []Field{
		{Name: "host", Kind: KindText, Max: MaxShortText, ServerOnly: true},
		{Name: "lastError", Kind: KindText, Max: MaxText, ServerOnly: true},
		{Name: "lastErrorAt", Kind: KindTime, ServerOnly: true},
		{Name: "lastDeliveredAt", Kind: KindTime, ServerOnly: true},
	}},
}

// Stamp fields the server sets beside a bool field with Stamp: the display
// name of the person who set it true and when.
const (
	StampBy = "By"
	StampAt = "At"
)

var listIndex = func() map[string]*List {
	m := make(map[string]*List, len(Lists))
	for i := range Lists {
		m[Lists[i].Name] = &Lists[i]
	}
	return m
}()

// LookupList returns the schema of the named list.
func LookupList(name string) (*List, bool) {
	l, ok := listIndex[name]
	return l, ok
}

// Field returns the schema of the named field.
func (l *List) Field(name string) (*Field, bool) {
	for i := range l.Fields {
		if l.Fields[i].Name == name {
			return &l.Fields[i], true
		}
	}
	return nil, false
}

// ListNames returns the names of all lists, in board order.
func ListNames() []string {
	names := make([]string, len(Lists))
	for i, l := range Lists {
		names[i] = l.Name
	}
	return names
}
