// Package e2e holds what the browser tests need to find on sitrep's pages.
package e2e

// CSS selectors of the pages' test hooks. Rows carry data-id (the item id)
// and data-list; editors and add-form inputs carry data-field (the field
// name). Combine them, for example
// Section("timeline") + " " + Row + `[data-id="` + id + `"] ` + Field("text").
const (
	// Board is the board page's root; data-seq holds the last applied change and data-loaded "true" once welcomed.
	Board = `[data-test="board"]`
	// View is the stakeholder view's root, with data-seq and data-loaded like Board.
	View = `[data-test="view"]`
	// CountdownPage is the countdown page's root, with data-seq and data-loaded like Board.
	CountdownPage = `[data-test="countdown-page"]`
	// Title is the page's h1: the incident id and title.
	Title = `[data-test="title"]`
	// Fatal is the message that stops a page, such as an invalid or revoked link.
	Fatal = `[data-test="fatal"]`

	// Connection is the connection indicator; data-state is live, connecting or offline, data-pending-count the unconfirmed edits, data-reason "revoked" after close code 1008.
	Connection = `[data-test="connection"]`
	// ConnectionLive matches the indicator only while connected, welcomed and without a gap.
	ConnectionLive = `[data-test="connection"][data-state="live"]`
	// Presence is the list of people on the board.
	Presence = `[data-test="presence"]`
	// PresenceEditor is one editor's name in the presence list; data-conn holds the connection id.
	PresenceEditor = `[data-test="presence-editor"]`
	// PresenceViewers is the viewer count; data-count holds the number.
	PresenceViewers = `[data-test="presence-viewers"]`

	// NameButton opens the display name dialog on the board page.
	NameButton = `[data-test="name-button"]`
	// NameDialog is the display name dialog, open on the first visit to a board.
	NameDialog = `[data-test="name-dialog"]`
	// NameInput is the display name input of the dialog.
	NameInput = `[data-test="name-input"]`
	// NameSave saves the display name.
	NameSave = `[data-test="name-save"]`

	// Notices is the visible list of notices (rejected changes, replaced values).
	Notices = `[data-test="notices"]`
	// Notice is one notice; data-kind is error or info.
	Notice = `[data-test="notice"]`
	// LiveRegion is the aria-live region announcing remote changes.
	LiveRegion = `[data-test="live-region"]`

	// AnySection matches every section; data-list names its list.
	AnySection = `[data-test="section"]`
	// Rows is a section's list of rows that are not deleted.
	Rows = `[data-test="rows"]`
	// DeletedRows is a section's list of deleted rows, shown with ShowDeleted.
	DeletedRows = `[data-test="deleted-rows"]`
	// Row is one record's row; data-id is the item id, data-pending and data-deleted are present when true.
	Row = `[data-test="row"]`
	// PendingRow is a row with a change the server has not confirmed.
	PendingRow = `[data-test="row"][data-pending]`
	// PendingMarker is the visible "pending" mark of a row; hidden once confirmed.
	PendingMarker = `[data-test="pending"]`
	// PendingField is a field editor's wrapper while its new value is unconfirmed.
	PendingField = `.field[data-pending]`
	// AnyField matches every field editor of a row or of the header; data-field names the field.
	AnyField = `[data-test="field"]`
	// ChangedBy marks a field someone else changed while this person was editing it.
	ChangedBy = `[data-test="changed-by"]`
	// History is a field's history disclosure (a details element), hidden while the field has none.
	History = `[data-test="history"]`
	// HistoryEntry is one earlier value in a History.
	HistoryEntry = `[data-test="history-entry"]`
	// Delete deletes a row.
	Delete = `[data-test="delete"]`
	// Restore restores a deleted row.
	Restore = `[data-test="restore"]`
	// ShowDeleted is the checkbox showing a section's deleted rows.
	ShowDeleted = `[data-test="show-deleted"]`
	// MoveUp moves a hypothesis one place up.
	MoveUp = `[data-test="move-up"]`
	// MoveDown moves a hypothesis one place down.
	MoveDown = `[data-test="move-down"]`
	// HypothesisState is a hypothesis's state in words, such as "ruled out".
	HypothesisState = `[data-test="hypothesis-state"]`
	// SectionCount is the number of rows that are not deleted, in a section's heading.
	SectionCount = `[data-test="section-count"]`

	// AddForm is a section's add form; data-list names its list.
	AddForm = `[data-test="add-form"]`
	// AnyAddField matches every input of an add form; data-field names the field.
	AnyAddField = `[data-test="add-field"]`
	// AddSubmit submits an add form.
	AddSubmit = `[data-test="add-submit"]`

	// SeverityMeaning is the meaning of the header's severity.
	SeverityMeaning = `[data-test="severity-meaning"]`
	// ServiceChips lists the affected services; ServiceChip is one of them.
	ServiceChips = `[data-test="service-chips"]`
	// ServiceChip is one affected service.
	ServiceChip = `[data-test="service-chip"]`
	// StatusPagePosted shows when the status page text was last posted.
	StatusPagePosted = `[data-test="status-page-posted"]`
	// Countdown is a next update's live countdown; data-due is the due time, data-overdue "true" once passed.
	Countdown = `[data-test="countdown"]`
	// CountdownOverdue is the OVERDUE word of the countdown page.
	CountdownOverdue = `[data-test="countdown-overdue"]`
	// CountdownSeverity is the severity on the countdown page.
	CountdownSeverity = `[data-test="countdown-severity"]`
	// CountdownStatus is the status on the countdown page.
	CountdownStatus = `[data-test="countdown-status"]`
	// Links is the board's Links area, a details element.
	Links = `[data-test="links"]`
	// ShareView is the board's stakeholder link row, when this browser holds the link.
	ShareView = `[data-test="share-view"]`
	// ShareViewURL is the stakeholder link's read-only text box.
	ShareViewURL = `[data-test="share-view-url"]`
	// ShareCountdownURL is the countdown link's read-only text box.
	ShareCountdownURL = `[data-test="share-countdown-url"]`
	// LinksNewView issues a new stakeholder link at once.
	LinksNewView = `[data-test="links-new-view"]`
	// LinksNewEdit opens the confirmation for a new edit link.
	LinksNewEdit = `[data-test="links-new-edit"]`
	// LinksConfirmEdit issues the new edit link.
	LinksConfirmEdit = `[data-test="links-confirm-edit"]`
	// LinksCancelEdit closes the confirmation without a new link.
	LinksCancelEdit = `[data-test="links-cancel-edit"]`
	// LinksStatus shows the result of the last action of the Links area.
	LinksStatus = `[data-test="links-status"]`

	// Notify is the board's Notifications area, a details element holding the webhook form.
	Notify = `[data-test="notify"]`
	// WebhookURL is the incoming webhook URL input; it empties once the URL is saved.
	WebhookURL = `[data-test="webhook-url"]`
	// WebhookSave submits WebhookURL.
	WebhookSave = `[data-test="webhook-save"]`
	// WebhookState shows where notifications go (the host only) and when the last one was delivered.
	WebhookState = `[data-test="webhook-state"]`
	// WebhookError shows why saving the webhook or the last delivery failed; empty otherwise.
	WebhookError = `[data-test="webhook-error"]`
	// LinksConfirm is the confirmation group that LinksNewEdit shows.
	LinksConfirm = `[data-test="links-confirm"]`

	// PostText is the text box of a next update's post form.
	PostText = `[data-test="post-text"]`
	// PostSubmit posts the update typed into PostText.
	PostSubmit = `[data-test="post-submit"]`
	// LastPosted shows when a next update was last posted and its text.
	LastPosted = `[data-test="last-posted"]`
	// LatestUpdate is the stakeholder view's most recent update; LatestUpdateText its text.
	LatestUpdate     = `[data-test="latest-update"]`
	LatestUpdateText = `[data-test="latest-update-text"]`
	// EntryKind marks a timeline entry that is not a plain note; data-kind is alert, update, auto or all-clear.
	EntryKind = `[data-test="entry-kind"]`
	// EntryAmended says how a timeline entry was amended; hidden when it was not.
	EntryAmended = `[data-test="entry-amended"]`
	// KeyTime is one key time of the response; data-name names it, such as "Time to resolve".
	KeyTime = `[data-test="key-time"]`
	// Picture is the incident's SVG picture; its marks carry data-test="mark", its bands data-test="band-status" or "band-severity".
	Picture = `[data-test="picture"]`
	// HandoffOpen opens the handoff brief dialog; HandoffDialog has data-loaded="true" once the brief arrived.
	HandoffOpen   = `[data-test="handoff-open"]`
	HandoffDialog = `[data-test="handoff-dialog"]`
	// HandoffText is the brief's text area.
	HandoffText = `[data-test="handoff-text"]`
	// ExportMarkdown, ExportJSON and ExportICS download the postmortem draft, the incident and the meeting.
	ExportMarkdown = `[data-test="export-md"]`
	ExportJSON     = `[data-test="export-json"]`
	ExportICS      = `[data-test="export-ics"]`
	// ToolsStatus reports the result of the last download.
	ToolsStatus = `[data-test="tools-status"]`
	// QuickOpen is the top bar's button that opens QuickEntry.
	QuickOpen = `[data-test="quick-open"]`
	// QuickEntry is the quick entry dialog (n, t, h, a or i on the board).
	QuickEntry = `[data-test="quick-entry"]`
	// QuickType chooses what QuickEntry adds: its values are list names, or
	// "alert" for a timeline entry of kind alert.
	QuickType = `[data-test="quick-type"]`
	// QuickTime is QuickEntry's optional UTC time.
	QuickTime = `[data-test="quick-time"]`
	// QuickText is QuickEntry's text, which may start with a type prefix and a time.
	QuickText = `[data-test="quick-text"]`
	// QuickStatus is the polite status saying what QuickEntry added.
	QuickStatus = `[data-test="quick-status"]`
	// HelpOpen is the top bar's button that opens HelpDialog.
	HelpOpen = `[data-test="help-open"]`
	// HelpDialog lists the keyboard shortcuts ("?" on the board).
	HelpDialog = `[data-test="help-dialog"]`
	// CountdownAnnouncer is the live region that speaks at 5 minutes, 1 minute and overdue.
	CountdownAnnouncer = `[data-test="countdown-announcer"]`

	// SignInKey is the access key input of the sign-in page.
	SignInKey = `[data-test="signin-key"]`
	// SignInSubmit submits the sign-in form.
	SignInSubmit = `[data-test="signin-submit"]`
	// SignInError shows why signing in failed.
	SignInError = `[data-test="signin-error"]`

	// DeclareForm is the home page's form to declare an incident.
	DeclareForm = `[data-test="declare-form"]`
	// DeclareTitle is the title input of DeclareForm.
	DeclareTitle = `[data-test="declare-title"]`
	// DeclareSeverityOption is one severity radio button; its value is P0, P1 or P2.
	DeclareSeverityOption = `[data-test="declare-severity-option"]`
	// DeclareBy is the display name input of DeclareForm.
	DeclareBy = `[data-test="declare-by"]`
	// DeclareSubmit submits DeclareForm.
	DeclareSubmit = `[data-test="declare-submit"]`
	// DeclareError shows why declaring failed.
	DeclareError = `[data-test="declare-error"]`
	// IncidentList is the home page's list of incidents.
	IncidentList = `[data-test="incident-list"]`
	// IncidentListStatus shows how many incidents the list shows, or that none match the filter.
	IncidentListStatus = `[data-test="incident-list-status"]`
	// FilterStatus and FilterSeverity are the list filter's selects; "" is any, and FilterStatus also takes "active".
	FilterStatus   = `[data-test="filter-status"]`
	FilterSeverity = `[data-test="filter-severity"]`
	// FilterService is the list filter's affected service input.
	FilterService = `[data-test="filter-service"]`
	// FilterQuery is the list filter's search of titles and timeline text.
	FilterQuery = `[data-test="filter-q"]`
	// FilterSubmit applies the list filter.
	FilterSubmit = `[data-test="filter-submit"]`
	// Incident is one incident of IncidentList; data-id is its id.
	Incident = `[data-test="incident"]`
	// OpenBoard links an incident of IncidentList to its board, when this browser holds the link.
	OpenBoard = `[data-test="open-board"]`
	// NoLink tells the person that this browser has no link to an incident.
	NoLink = `[data-test="no-link"]`
)

// Section returns the selector of the section showing the named list, such as "timeline".
func Section(list string) string {
	return `[data-test="section"][data-list="` + list + `"]`
}

// Field returns the selector of a field editor by field name, such as "status".
func Field(name string) string {
	return `[data-test="field"][data-field="` + name + `"]`
}

// AddField returns the selector of an add form's input by field name.
func AddField(name string) string {
	return `[data-test="add-field"][data-field="` + name + `"]`
}

// RowByID returns the selector of the row of the given item id.
func RowByID(id string) string {
	return `[data-test="row"][data-id="` + id + `"]`
}
