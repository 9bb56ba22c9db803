package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sitrep/sitrep/board"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Incident is an incident as stored: its access token hashes and its board.
type Incident struct {
	ID            string
	CreatedAt     time.Time
	EditTokenHash []byte
	ViewTokenHash []byte
	// WebhookURL is the incoming-webhook URL notifications go to, or "".
	// It is a secret, so it stays out of the board's records and the logs.
	WebhookURL string
	Board      *board.Board
	// Tail holds the changes replayed on top of the last snapshot while
	// loading, oldest first, so reconnecting clients can resume across a
	// server restart.
	Tail []board.Applied
}

// Summary is the part of an incident the incident list shows.
type Summary struct {
	ID         string    `json:"id" bson:"_id"`
	Title      string    `json:"title" bson:"title"`
	Severity   string    `json:"severity" bson:"severity"`
	Status     string    `json:"status" bson:"status"`
	DeclaredAt string    `json:"declaredAt" bson:"declaredAt"`
	Seq        int64     `json:"seq" bson:"seq"`
	CreatedAt  time.Time `json:"createdAt" bson:"createdAt"`
	// AffectedServices are the header's affected services, split at commas.
	AffectedServices []string `json:"affectedServices" bson:"affectedServices"`
	// NextDue is the earliest running deadline: a next update, or a
	// follow-up item not done. "" when none runs.
	NextDue string `json:"nextDue" bson:"nextDue"`
	// SearchText is the text the list's search matches: the lower-cased title
	// and timeline text, at most board.MaxSearchText bytes. It stays on
	// the server, since the list is readable without an incident's link.
	SearchText string `json:"-" bson:"searchText"`
}

type incidentDoc struct {
	Summary       `bson:",inline"`
	EditTokenHash []byte `bson:"editTokenHash"`
	ViewTokenHash []byte `bson:"viewTokenHash"`
	WebhookURL    string `bson:"webhookUrl,omitempty"`
}

type snapshotDoc struct {
	ID      string         `bson:"_id"`
	Seq     int64          `bson:"seq"`
	Records []board.Record `bson:"records"`
}

// NextIncidentID returns a new id of the form INC-YYYY-MMDD-NNN, counting
// from 001 each UTC day. The database increments the counter, so ids stay
// unique across server instances.
func (s *Store) NextIncidentID(ctx context.Context, now time.Time) (string, error) {
	day := now.UTC().Format("2006-0102")
	var counter struct {
		N int64 `bson:"n"`
	}
	err := s.counters.FindOneAndUpdate(ctx,
		bson.D{{Key: "_id", Value: day}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: int64(1)}}}},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After),
	).Decode(&counter)
	if err != nil {
		return "", fmt.Errorf("store: next incident id for %s: %w", day, err)
	}
	return fmt.Sprintf("INC-%s-%03d", day, counter.N), nil
}

// CreateIncident stores a new incident with its first records.
func (s *Store) CreateIncident(ctx context.Context, inc *Incident) error {
	doc := incidentDoc{
		Summary:       summarize(inc.ID, inc.CreatedAt, inc.Board.Seq, inc.Board.Digest()),
		EditTokenHash: inc.EditTokenHash,
		ViewTokenHash: inc.ViewTokenHash,
	}
	if _, err := s.incidents.InsertOne(ctx, doc); err != nil {
		return fmt.Errorf("store: insert incident %s: %w", inc.ID, err)
	}
	snap := snapshotDoc{ID: inc.ID, Seq: inc.Board.Seq, Records: inc.Board.Records()}
	if _, err := s.snapshots.InsertOne(ctx, snap); err != nil {
		return fmt.Errorf("store: insert snapshot of %s: %w", inc.ID, err)
	}
	return nil
}

func summarize(id string, created time.Time, seq int64, d board.Digest) Summary {
	return Summary{ID: id, CreatedAt: created, Seq: seq, Title: d.Title, Severity: d.Severity, Status: d.Status,
		DeclaredAt: d.DeclaredAt, AffectedServices: d.AffectedServices, NextDue: d.NextDue, SearchText: d.SearchText}
}

// LoadIncident reads an incident: its last snapshot, then every change
// stored after it, in order.
func (s *Store) LoadIncident(ctx context.Context, id string) (*Incident, error) {
	var doc incidentDoc
	err := s.incidents.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, fmt.Errorf("store: incident %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: load incident %s: %w", id, err)
	}
	var snap snapshotDoc
	if err := s.snapshots.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&snap); err != nil {
		return nil, fmt.Errorf("store: load snapshot of %s: %w", id, err)
	}
	inc := &Incident{
		ID:            id,
		CreatedAt:     doc.CreatedAt.UTC(),
		EditTokenHash: doc.EditTokenHash,
		ViewTokenHash: doc.ViewTokenHash,
		WebhookURL:    doc.WebhookURL,
		Board:         board.NewBoard(id, doc.CreatedAt, snap.Seq, snap.Records),
	}
	// The snapshot may lag the change log by the changes stored after it.
	tail, err := s.ChangesAfter(ctx, id, snap.Seq)
	if err != nil {
		return nil, err
	}
	for i := range tail {
		inc.Board.Commit(&tail[i])
	}
	inc.Tail = tail
	return inc, nil
}

// ListIncidents returns the summaries of all incidents, active ones first,
// then the most recently declared first.
func (s *Store) ListIncidents(ctx context.Context) ([]Summary, error) {
	cur, err := s.incidents.Find(ctx, bson.D{},
		options.Find().SetProjection(bson.D{{Key: "editTokenHash", Value: 0}, {Key: "viewTokenHash", Value: 0}, {Key: "webhookUrl", Value: 0}}))
	if err != nil {
		return nil, fmt.Errorf("store: list incidents: %w", err)
	}
	var out []Summary
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("store: list incidents: %w", err)
	}
	sortSummaries(out)
	return out, nil
}

// SaveSnapshot writes the board's records as of seq, unless a snapshot at
// seq or later is already stored, and updates the incident's summary.
func (s *Store) SaveSnapshot(ctx context.Context, id string, seq int64, records []board.Record) error {
	filter := bson.D{{Key: "_id", Value: id}, {Key: "seq", Value: bson.D{{Key: "$lt", Value: seq}}}}
	update := bson.D{{Key: "$set", Value: bson.D{{Key: "seq", Value: seq}, {Key: "records", Value: records}}}}
	if _, err := s.snapshots.UpdateOne(ctx, filter, update); err != nil {
		return fmt.Errorf("store: save snapshot of %s at %d: %w", id, seq, err)
	}
	return nil
}

// SaveSummary updates what the incident list shows and filters on, unless
// a later change already did.
func (s *Store) SaveSummary(ctx context.Context, id string, seq int64, d board.Digest) error {
	sum := summarize(id, time.Time{}, seq, d)
	filter := bson.D{{Key: "_id", Value: id}, {Key: "seq", Value: bson.D{{Key: "$lt", Value: seq}}}}
	update := bson.D{{Key: "$set", Value: bson.D{
		{Key: "title", Value: sum.Title}, {Key: "severity", Value: sum.Severity},
		{Key: "status", Value: sum.Status}, {Key: "declaredAt", Value: sum.DeclaredAt},
		{Key: "affectedServices", Value: sum.AffectedServices}, {Key: "nextDue", Value: sum.NextDue},
		{Key: "searchText", Value: sum.SearchText}, {Key: "seq", Value: seq},
	}}}
	if _, err := s.incidents.UpdateOne(ctx, filter, update); err != nil {
		return fmt.Errorf("store: save summary of %s at %d: %w", id, seq, err)
	}
	return nil
}
