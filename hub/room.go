package hub

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/sitrep/sitrep/board"
	"github.com/sitrep/sitrep/store"
)

// ringSize is how many recent changes a room keeps in memory, so that a
// client reconnecting after missing fewer than this many receives only the
// changes it missed instead of the whole incident.
const ringSize = 1024

// snapshotEvery is how many changes may pile up before the room writes a
// snapshot of a small incident, which bounds how many changes loading the
// incident replays.
const snapshotEvery = 200

// snapshotInterval returns how many changes may pile up before a snapshot
// of an incident of n records: snapshotEvery, or n/2 for big incidents.
// A snapshot rewrites the whole board, and the embedded FerretDB's SQLite
// backend stores changes only after it: BenchmarkSaveSnapshot in store/
// measured 15 ms for 10 entries and 1.7 s for 5,000 (2 cores, AMD EPYC).
// Spacing snapshots by the board's size keeps their cost per change, and
// the share of edits that wait behind one, the same for any size. Loading
// after a crash then replays up to n/2 changes, one read each.
func snapshotInterval(n int) int64 {
	return int64(max(snapshotEvery, n/2))
}

// Room is one open incident: its board and the clients connected to it.
type Room struct {
	id   string
	hub  *Hub
	refs int // connections holding the room; guarded by hub.mu

	ready   chan struct{} // closed once loaded
	loadErr error

	// writeMu serializes changes so they are stored in sequence order. It is
	// held while the database stores a change; mu is not, so joins and
	// broadcasts go on meanwhile.
	writeMu sync.Mutex

	mu           sync.Mutex // guards everything below
	inc          *store.Incident
	clients      map[*client]struct{}
	ring         []*board.Applied // the last ringSize changes, oldest first
	recent       map[string]int64 // change id to sequence number, for the changes in ring
	snapshotSeq  int64            // sequence number of the last snapshot written or loaded
	snapshotting bool
	// summaryPending is true while a summary write is scheduled.
	summaryPending bool

	// allIDs maps every stored change id to its sequence number once
	// storedBefore has loaded it; nil before. Guarded by writeMu.
	allIDs map[string]int64

	out fanout // reused by every broadcast

	// welcomeMu guards welcomeCache: the last encoded records of the
	// incident for editors ([0]) and for viewers ([1]), with their seq.
	welcomeMu    sync.Mutex
	welcomeCache [2]struct {
		seq  int64
		json []byte
	}

	presenceSent    time.Time     // when the last presence message was queued
	presencePending bool          // a presence message is scheduled
	closed          chan struct{} // closed when the last connection leaves; ends the ping loop
}

func newRoom(id string, h *Hub) *Room {
	return &Room{id: id, hub: h, ready: make(chan struct{}), clients: map[*client]struct{}{}, recent: map[string]int64{},
		closed: make(chan struct{}), out: fanout{w: h.writers}}
}

func (r *Room) load(ctx context.Context) {
	defer close(r.ready)
	inc, err := r.hub.store.LoadIncident(ctx, r.id)
	if err != nil {
		r.loadErr = err
		return
	}
	r.inc = inc
	r.snapshotSeq = inc.Board.Seq - int64(len(inc.Tail))
	for i := range inc.Tail {
		r.remember(&inc.Tail[i])
	}
	// Changes past the snapshot may have come after the last summary
	// write, for example before a crash, so the list is brought up to date.
	if len(inc.Tail) > 0 {
		r.summaryPending = true
		time.AfterFunc(summaryDelay, r.writeSummary)
	}
}

// remember adds a committed change to the ring. Callers hold mu.
func (r *Room) remember(a *board.Applied) {
	if len(r.ring) == ringSize {
		delete(r.recent, r.ring[0].ID)
		r.ring = r.ring[1:]
	}
	r.ring = append(r.ring, a)
	r.recent[a.ID] = a.Seq
}

// join registers c and queues its welcome: the changes after since when the
// room still has them all, else the whole incident. The client is
// registered under mu, so it receives every change after the welcome's
// seq. A whole-incident welcome is encoded after mu is released, because at
// thousands of entries encoding takes tens of milliseconds, and no change
// could be broadcast meanwhile. Broadcasts to c queue behind its welcome
// (see client.welcoming). It returns false, registering nothing, when tok no
// longer gives c's role because the link was rotated after the
// connection's hello was checked.
func (r *Room) join(c *client, tok string, since int64) bool {
	r.mu.Lock()
	if r.roleOfLocked(tok) != c.role {
		r.mu.Unlock()
		return false
	}
	b := r.inc.Board
	first := b.Seq + 1
	if len(r.ring) > 0 {
		first = r.ring[0].Seq
	}
	resume := since > 0 && since <= b.Seq && since >= first-1
	if resume {
		c.enqueue(encode(r.changesWelcome(c, since)))
	} else {
		c.welcoming = true
	}
	r.clients[c] = struct{}{}
	r.broadcastPresence()
	if resume {
		r.mu.Unlock()
		return true
	}
	copied := b.Copy()
	r.mu.Unlock()
	c.welcomed(r.recordsWelcome(c, copied))
	return true
}

// changesWelcome returns the welcome of a client that holds the board as of
// since: the changes after it, from the ring. Callers hold mu.
func (r *Room) changesWelcome(c *client, since int64) welcomeMsg {
	w := welcomeMsg{welcomeHead: welcomeHead{Type: "welcome", Conn: c.id, Role: c.role, Incident: r.id,
		Seq: r.inc.Board.Seq, ServerTime: time.Now().UnixMilli()}, Changes: []board.Applied{}}
	for _, a := range r.ring {
		if a.Seq <= since {
			continue
		}
		if c.role == RoleView {
			a = forView(a)
		}
		w.Changes = append(w.Changes, *a)
	}
	return w
}

// recordsWelcome returns the encoded welcome that carries all of b, as c's
// role shows it.
func (r *Room) recordsWelcome(c *client, b *board.Board) []byte {
	records := r.welcomeRecords(c.role, b)
	head := encode(welcomeHead{Type: "welcome", Conn: c.id, Role: c.role, Incident: r.id, Seq: b.Seq,
		ServerTime: time.Now().UnixMilli()})
	msg := make([]byte, 0, len(head)+len(records)+32)
	msg = append(msg, head[:len(head)-1]...) // without the closing brace
	msg = append(msg, `,"records":`...)
	msg = append(msg, records...)
	msg = append(msg, `,"changes":null}`...)
	return msg
}

// welcomeRecords returns the JSON of b's records as shown to role. Joins at
// the same seq share one encoding, so a link opened by thousands of people
// at once encodes the incident once, not once per person.
func (r *Room) welcomeRecords(role Role, b *board.Board) []byte {
	r.welcomeMu.Lock()
	defer r.welcomeMu.Unlock()
	cached := &r.welcomeCache[0]
	if role == RoleView {
		cached = &r.welcomeCache[1]
	}
	if cached.json != nil && cached.seq == b.Seq {
		return cached.json
	}
	var records []board.Record
	if role == RoleView {
		records = b.PublicRecords()
	} else {
		records = b.Records()
	}
	cached.seq, cached.json = b.Seq, encode(records)
	return cached.json
}

func (r *Room) leave(c *client) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.clients, c)
	r.broadcastPresence()
}

func (r *Room) rename(c *client, name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c.name = name
	r.broadcastPresence()
}

// presenceInterval is the least time between two presence messages of a
// room. Without it, each of N viewers joining would send a message to every
// viewer already there: N*N/2 messages while a status page link spreads.
const presenceInterval = 250 * time.Millisecond

// broadcastPresence tells every client who is connected: at once when the
// last presence message is older than presenceInterval, else once that
// interval has passed, covering every join and leave until then. Callers
// hold mu.
func (r *Room) broadcastPresence() {
	if r.presencePending {
		return
	}
	if wait := presenceInterval - time.Since(r.presenceSent); wait > 0 {
		r.presencePending = true
		time.AfterFunc(wait, func() {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.presencePending = false
			r.sendPresence()
		})
		return
	}
	r.sendPresence()
}

// sendPresence sends the presence message now. Callers hold mu.
func (r *Room) sendPresence() {
	r.presenceSent = time.Now()
	msg := presenceMsg{Type: "presence", Editors: []person{}}
	for c := range r.clients {
		if c.role == RoleEdit {
			msg.Editors = append(msg.Editors, person{Conn: c.id, Name: c.name})
		} else {
			msg.Viewers++
		}
	}
	data := encode(msg)
	// Stakeholders learn how many people are on the board, not who.
	var forViewers []byte
	out := &r.out
	for c := range r.clients {
		if c.role == RoleEdit {
			out.add(c, data)
			continue
		}
		if forViewers == nil {
			forViewers = encode(presenceMsg{Type: "presence", Editors: []person{}, Viewers: msg.Viewers})
		}
		out.add(c, forViewers)
	}
	out.flush()
}

// submit applies, stores and broadcasts one change from c, or sends c the
// reason it was not applied. A change reaches any screen only after the
// database holds it.
func (r *Room) submit(ctx context.Context, c *client, ch board.Change) {
	r.writeMu.Lock()
	defer r.writeMu.Unlock()

	for attempt := 0; ; attempt++ {
		r.mu.Lock()
		if seq, ok := r.recent[ch.ID]; ok {
			r.mu.Unlock()
			c.enqueue(encode(ackMsg{Type: "ack", ID: ch.ID, Seq: seq, Duplicate: true}))
			return
		}
		a, verr := r.inc.Board.Apply(ch, c.name, time.Now())
		r.mu.Unlock()
		if verr != nil {
			// A change resent after a restart may no longer apply (its
			// item exists now) because it was stored before.
			if seq, ok := r.storedBefore(ctx, ch.ID); ok {
				c.enqueue(encode(ackMsg{Type: "ack", ID: ch.ID, Seq: seq, Duplicate: true}))
				return
			}
			r.hub.metrics.changes.WithLabelValues("invalid").Inc()
			r.hub.log.Info("change rejected", "incident", r.id, "conn", c.id, "change", ch.ID, "field", verr.Field, "reason", verr.Message)
			c.enqueue(encode(errorMsg{Type: "error", ID: ch.ID, Code: CodeInvalid, Field: verr.Field, Message: verr.Message}))
			return
		}

		started := time.Now()
		err := r.hub.store.InsertChange(ctx, r.id, a)
		r.hub.metrics.storeSeconds.Observe(time.Since(started).Seconds())
		var dup *store.DuplicateError
		switch {
		case err == nil:
			r.commit(a, true)
			r.hub.metrics.changes.WithLabelValues("accepted").Inc()
			return
		case errors.As(err, &dup):
			// An insert that timed out may still have landed: the log then
			// holds changes this room never applied. Apply and broadcast
			// them first, or the sender would drop an edit nobody sees.
			// NOTE: such a change of this instance's own sends no webhook
			// notification, because catchUp cannot tell it from another's.
			if err := r.catchUp(ctx); err != nil {
				r.unavailable(c, ch.ID, err)
				return
			}
			c.enqueue(encode(ackMsg{Type: "ack", ID: ch.ID, Seq: dup.Seq, Duplicate: true}))
			return
		case errors.Is(err, store.ErrSeqTaken) && attempt < 3:
			// Another server instance stored a change first. Catch up
			// with the log and apply this change on top.
			if err := r.catchUp(ctx); err != nil {
				r.unavailable(c, ch.ID, err)
				return
			}
		default:
			r.unavailable(c, ch.ID, err)
			return
		}
	}
}

// storedBefore reports whether the incident's log holds a change with id,
// and under which sequence number. The first call reads every change id of
// the incident; commit keeps the set current after that. Callers hold writeMu.
func (r *Room) storedBefore(ctx context.Context, id string) (int64, bool) {
	if r.allIDs == nil {
		ids, err := r.hub.store.ChangeIDs(ctx, r.id)
		if err != nil {
			r.hub.log.Error("reading change ids failed", "incident", r.id, "err", err)
			return 0, false
		}
		r.allIDs = ids
	}
	seq, ok := r.allIDs[id]
	return seq, ok
}

func (r *Room) unavailable(c *client, changeID string, err error) {
	r.hub.metrics.changes.WithLabelValues("unavailable").Inc()
	r.hub.log.Error("change not stored", "incident", r.id, "conn", c.id, "change", changeID, "err", err)
	c.enqueue(encode(errorMsg{Type: "error", ID: changeID, Code: CodeUnavailable,
		Message: "the database did not answer, so the change was not stored; it stays pending and is sent again"}))
}

// catchUp commits the changes other writers stored after the room's last.
func (r *Room) catchUp(ctx context.Context) error {
	r.mu.Lock()
	seq := r.inc.Board.Seq
	r.mu.Unlock()
	missed, err := r.hub.store.ChangesAfter(ctx, r.id, seq)
	if err != nil {
		return err
	}
	for i := range missed {
		r.commit(&missed[i], false)
	}
	return nil
}

// commit makes a stored change part of the board and sends it to every
// client, encoded once per role. ours is true for a change this instance
// stored. Only those trigger webhook notifications, because every instance
// with the incident open commits every change, and each notification must
// go out once.
func (r *Room) commit(a *board.Applied, ours bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	started := time.Now()
	defer func() { r.hub.metrics.broadcast.Observe(time.Since(started).Seconds()) }()
	r.inc.Board.Commit(a)
	r.remember(a)
	if r.allIDs != nil {
		r.allIDs[a.ID] = a.Seq
	}
	forEdit := encode(appliedMsg{Type: "change", Applied: a})
	var forViewers []byte
	out := &r.out
	for c := range r.clients {
		if c.role == RoleEdit {
			out.add(c, forEdit)
			continue
		}
		if forViewers == nil {
			forViewers = encode(appliedMsg{Type: "change", Applied: forView(a)})
		}
		out.add(c, forViewers)
	}
	out.flush()
	if ours && r.inc.WebhookURL != "" {
		if texts := notifications(r.id, r.inc.Board.Header().Text("title"), a); len(texts) > 0 {
			r.hub.notify.enqueue(r.id, r.inc.WebhookURL, texts)
		}
	}
	if touchesSummary(a) && !r.summaryPending {
		// The digest reads the whole board, so it is built and stored at
		// most once per summaryDelay, not once per change.
		r.summaryPending = true
		time.AfterFunc(summaryDelay, r.writeSummary)
	}
	if a.Seq-r.snapshotSeq >= snapshotInterval(r.inc.Board.Len()) && !r.snapshotting {
		r.snapshotting = true
		b := r.inc.Board.Copy()
		go func() { r.saveSnapshot(b.Seq, b.Records()) }()
	}
}

// touchesSummary reports whether a change alters what the incident list
// shows or searches: the header, a deadline or the timeline's text.
func touchesSummary(a *board.Applied) bool {
	for _, rec := range a.Records {
		switch rec.List {
		case board.ListHeader, board.ListUpdates, board.ListFollowUp, board.ListTimeline:
			return true
		}
	}
	return false
}

// summaryDelay is how long the incident list may lag the board.
const summaryDelay = time.Second

// writeSummary stores the digest the incident list shows, if a change
// since the last one touched it.
func (r *Room) writeSummary() {
	r.mu.Lock()
	if !r.summaryPending {
		r.mu.Unlock()
		return
	}
	r.summaryPending = false
	// The digest sorts the whole board, which took milliseconds at 5,000
	// entries, so it is built from a copy after mu is released.
	b := r.inc.Board.Copy()
	r.mu.Unlock()
	r.saveSummary(b.Seq, b.Digest())
}

func (r *Room) saveSummary(seq int64, d board.Digest) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.hub.store.SaveSummary(ctx, r.id, seq, d); err != nil {
		r.hub.log.Error("saving incident summary failed", "incident", r.id, "seq", seq, "err", err)
	}
}

func (r *Room) saveSnapshot(seq int64, records []board.Record) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := r.hub.store.SaveSnapshot(ctx, r.id, seq, records)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.snapshotting = false
	if err != nil {
		r.hub.log.Error("saving snapshot failed", "incident", r.id, "seq", seq, "err", err)
		return
	}
	if seq > r.snapshotSeq {
		r.snapshotSeq = seq
	}
}

// flush writes a snapshot if changes arrived since the last one. The hub
// calls it when the last client leaves, so the next load replays nothing.
func (r *Room) flush() {
	r.writeSummary()
	r.mu.Lock()
	if r.inc == nil || r.inc.Board.Seq == r.snapshotSeq {
		r.mu.Unlock()
		return
	}
	b := r.inc.Board.Copy()
	r.mu.Unlock()
	r.saveSnapshot(b.Seq, b.Records())
}
