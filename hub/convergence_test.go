package hub_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/sitrep/sitrep/hub"
)

// sim is a simulated editor: it keeps the board as the server sends it,
// queues its own changes until the server confirms them, and resends them
// after every reconnect, as the browser does.
type sim struct {
	t    *testing.T
	e    *env
	name string
	inc  string
	tok  string

	mu       sync.Mutex
	conn     *websocket.Conn
	seq      int64
	records  map[string]json.RawMessage
	pending  map[string][]byte
	order    []string // pending change ids, oldest first
	rejected map[string]string
	failure  string // a protocol violation seen by the reader
	welcomed chan struct{}
	counter  int
}

func newSim(t *testing.T, e *env, name, inc, tok string) *sim {
	return &sim{t: t, e: e, name: name, inc: inc, tok: tok, records: map[string]json.RawMessage{},
		pending: map[string][]byte{}, rejected: map[string]string{}}
}

func (s *sim) connected() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conn != nil
}

// connect dials, resumes from the last sequence number it holds and resends
// every pending change with its original id.
func (s *sim) connect() {
	s.t.Helper()
	conn := s.e.dialRaw(s.inc)
	conn.SetReadLimit(16 << 20)
	s.mu.Lock()
	s.conn = conn
	s.welcomed = make(chan struct{})
	welcomed := s.welcomed
	hello, _ := json.Marshal(map[string]any{"type": "hello", "token": s.tok, "name": s.name, "since": s.seq})
	s.mu.Unlock()
	go s.read(conn)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if conn.Write(ctx, websocket.MessageText, hello) != nil {
		return
	}
	select {
	case <-welcomed:
	case <-time.After(10 * time.Second):
		s.t.Fatalf("%s: no welcome within 10s", s.name)
	}
	s.mu.Lock()
	resend := make([][]byte, 0, len(s.order))
	for _, id := range s.order {
		resend = append(resend, s.pending[id])
	}
	s.mu.Unlock()
	for _, msg := range resend {
		if conn.Write(ctx, websocket.MessageText, msg) != nil {
			return
		}
	}
}

// drop cuts the connection without a close handshake.
func (s *sim) drop() {
	s.mu.Lock()
	conn := s.conn
	s.mu.Unlock()
	if conn != nil {
		conn.CloseNow()
	}
}

func (s *sim) read(conn *websocket.Conn) {
	defer func() {
		s.mu.Lock()
		if s.conn == conn {
			s.conn = nil
		}
		s.mu.Unlock()
	}()
	for {
		_, data, err := conn.Read(context.Background())
		if err != nil {
			return
		}
		var m struct {
			Type    string            `json:"type"`
			ID      string            `json:"id"`
			Seq     int64             `json:"seq"`
			Code    string            `json:"code"`
			Message string            `json:"message"`
			Records []json.RawMessage `json:"records"`
			Changes []struct {
				ID      string            `json:"id"`
				Seq     int64             `json:"seq"`
				Records []json.RawMessage `json:"records"`
			} `json:"changes"`
		}
		if err := json.Unmarshal(data, &m); err != nil {
			s.fail("undecodable message: " + err.Error())
			return
		}
		s.mu.Lock()
		switch m.Type {
		case "welcome":
			if m.Changes == nil {
				s.records = map[string]json.RawMessage{}
				for _, r := range m.Records {
					s.records[recordKey(r)] = r
				}
				s.seq = m.Seq
			}
			for _, c := range m.Changes {
				s.applyLocked(c.ID, c.Seq, c.Records)
			}
			if s.seq != m.Seq && s.failure == "" {
				s.failure = fmt.Sprintf("welcome at seq %d left the client at %d", m.Seq, s.seq)
			}
			close(s.welcomed)
		case "change":
			s.applyLocked(m.ID, m.Seq, m.Records)
		case "ack":
			s.confirmLocked(m.ID)
		case "error":
			if m.Code != "unavailable" {
				s.rejected[m.ID] = m.Message
				s.confirmLocked(m.ID)
			}
		}
		s.mu.Unlock()
	}
}

func (s *sim) fail(msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failure == "" {
		s.failure = msg
	}
}

func recordKey(raw json.RawMessage) string {
	var r struct{ List, ID string }
	_ = json.Unmarshal(raw, &r)
	return r.List + "/" + r.ID
}

// applyLocked applies a change in sequence order; a gap is a protocol
// violation, because the server promises contiguous numbers.
func (s *sim) applyLocked(id string, seq int64, records []json.RawMessage) {
	if seq <= s.seq {
		return
	}
	if seq != s.seq+1 {
		if s.failure == "" {
			s.failure = fmt.Sprintf("gap: change %d after %d", seq, s.seq)
		}
		return
	}
	for _, r := range records {
		s.records[recordKey(r)] = r
	}
	s.seq = seq
	s.confirmLocked(id)
}

func (s *sim) confirmLocked(id string) {
	if _, ok := s.pending[id]; !ok {
		return
	}
	delete(s.pending, id)
	for i, p := range s.order {
		if p == id {
			s.order = append(s.order[:i], s.order[i+1:]...)
			break
		}
	}
}

// items returns the ids of the records of list this client holds.
func (s *sim) itemsLocked(list string) []string {
	var ids []string
	for key := range s.records {
		if len(key) > len(list) && key[:len(list)+1] == list+"/" {
			ids = append(ids, key[len(list)+1:])
		}
	}
	return ids
}

// sendRandom queues and sends one random change built from what this client sees.
func (s *sim) sendRandom(rng *rand.Rand) string {
	s.mu.Lock()
	s.counter++
	id := s.name + "-" + strconv.Itoa(s.counter)
	item := "i-" + id
	var msg map[string]any
	pick := func(list string) string {
		ids := s.itemsLocked(list)
		if len(ids) == 0 {
			return "none"
		}
		// Map order is random, so sort by picking with the seeded source.
		sortStrings(ids)
		return ids[rng.IntN(len(ids))]
	}
	switch r := rng.IntN(100); {
	case r < 35:
		msg = map[string]any{"op": "add", "list": "timeline", "item": item, "fields": map[string]any{"text": "entry " + id}}
	case r < 50:
		msg = map[string]any{"op": "add", "list": "hypotheses", "item": item, "fields": map[string]any{"text": "theory " + id, "owner": s.name}}
	case r < 65:
		fields := []map[string]any{{"status": []string{"investigating", "identified", "monitoring"}[rng.IntN(3)]},
			{"severity": []string{"P0", "P1", "P2"}[rng.IntN(3)]}, {"customerImpact": "impact per " + id}}
		msg = map[string]any{"op": "update", "list": "header", "item": "header", "fields": fields[rng.IntN(len(fields))]}
	case r < 75:
		msg = map[string]any{"op": "update", "list": "timeline", "item": pick("timeline"), "fields": map[string]any{"text": "edited by " + id}}
	case r < 85:
		msg = map[string]any{"op": "delete", "list": "hypotheses", "item": pick("hypotheses")}
	case r < 90:
		msg = map[string]any{"op": "restore", "list": "hypotheses", "item": pick("hypotheses")}
	default:
		msg = map[string]any{"op": "move", "list": "hypotheses", "item": pick("hypotheses"), "before": pick("hypotheses")}
	}
	msg["type"], msg["id"], msg["base"] = "change", id, s.seq
	data, _ := json.Marshal(msg)
	s.pending[id] = data
	s.order = append(s.order, id)
	conn := s.conn
	s.mu.Unlock()
	if conn != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = conn.Write(ctx, websocket.MessageText, data)
	}
	return id
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func (s *sim) settled(seq int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pending) == 0 && s.seq == seq
}

func convergenceSeed(t *testing.T) uint64 {
	if v := os.Getenv("SITREP_SEED"); v != "" {
		seed, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("SITREP_SEED=%q is not a number", v)
		}
		return seed
	}
	return uint64(time.Now().UnixNano())
}

func TestRandomizedConvergence(t *testing.T) {
	seed := convergenceSeed(t)
	t.Logf("seed %d (replay with SITREP_SEED=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	e := newEnv(t, hub.Config{})
	id, edit, _ := e.incident("Randomized convergence")

	const editors, steps, restartEvery = 6, 400, 130
	sims := make([]*sim, editors)
	for i := range sims {
		sims[i] = newSim(t, e, fmt.Sprintf("ed%d", i), id, edit)
		sims[i].connect()
	}
	sent := map[string]bool{}
	drops, restarts, reconnects := 0, 0, 0
	for step := 1; step <= steps; step++ {
		if step%restartEvery == 0 {
			e.restart()
			restarts++
			continue
		}
		s := sims[rng.IntN(len(sims))]
		if !s.connected() {
			s.connect()
			reconnects++
		}
		if rng.IntN(100) < 4 {
			s.drop()
			drops++
			continue
		}
		sent[s.sendRandom(rng)] = true
	}

	// Bring every client back and wait until all pending changes are
	// confirmed and every screen is at the server's sequence number.
	deadline := time.Now().Add(60 * time.Second)
	var final int64
	for {
		inc, err := e.hub.Lookup(context.Background(), id, edit)
		if err != nil {
			t.Fatal(err)
		}
		final = inc.Seq
		done := true
		for _, s := range sims {
			if !s.connected() {
				s.connect()
				reconnects++
			}
			if !s.settled(final) {
				done = false
			}
		}
		if done {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("clients did not settle at seq %d within 60s", final)
		}
		<-time.After(20 * time.Millisecond)
	}

	for _, s := range sims {
		if s.failure != "" {
			t.Errorf("%s: %s", s.name, s.failure)
		}
	}
	rejected := map[string]bool{}
	for _, s := range sims {
		for cid := range s.rejected {
			rejected[cid] = true
		}
	}
	log, err := e.store.ChangesAfter(context.Background(), id, 0)
	if err != nil {
		t.Fatal(err)
	}
	applied := map[string]bool{}
	for _, a := range log {
		if applied[a.ID] {
			t.Errorf("change %s is stored twice", a.ID)
		}
		applied[a.ID] = true
		if !sent[a.ID] {
			t.Errorf("stored change %s was never sent", a.ID)
		}
		if rejected[a.ID] {
			t.Errorf("change %s was stored and also rejected", a.ID)
		}
	}
	lost := 0
	for cid := range sent {
		if !applied[cid] && !rejected[cid] {
			lost++
			t.Errorf("change %s was neither stored nor rejected", cid)
		}
	}
	if int64(len(log)) != final {
		t.Errorf("the log holds %d changes, the board is at seq %d", len(log), final)
	}

	stored, err := e.store.LoadIncident(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]json.RawMessage{}
	for _, r := range stored.Board.Records() {
		data, _ := json.Marshal(r)
		want[r.List+"/"+r.ID] = data
	}
	for _, s := range sims {
		if len(s.records) != len(want) {
			t.Errorf("%s holds %d records, the database %d", s.name, len(s.records), len(want))
			continue
		}
		for key, raw := range want {
			var a, b any
			_ = json.Unmarshal(raw, &a)
			_ = json.Unmarshal(s.records[key], &b)
			if !reflect.DeepEqual(a, b) {
				t.Errorf("%s: record %s differs from the database", s.name, key)
			}
		}
	}
	t.Logf("changes sent %d, applied %d, rejected %d, lost %d, duplicated 0, drops %d, reconnects %d, restarts %d",
		len(sent), len(applied), len(rejected), lost, drops, reconnects, restarts)
}
