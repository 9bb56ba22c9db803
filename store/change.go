package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/sitrep/sitrep/board"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

type changeDoc struct {
	ID            string `bson:"_id"`
	Incident      string `bson:"incident"`
	board.Applied `bson:",inline"`
}

// changeKey is the _id of a change: the incident id and the zero-padded
// sequence number, so that two writers cannot store the same number twice.
func changeKey(incident string, seq int64) string {
	return fmt.Sprintf("%s/%012d", incident, seq)
}

// InsertChange stores an applied change. It returns a *DuplicateError when
// the incident already holds a change with the same id, and ErrSeqTaken when
// another writer stored a different change under the same sequence number.
func (s *Store) InsertChange(ctx context.Context, incident string, a *board.Applied) error {
	doc := changeDoc{ID: changeKey(incident, a.Seq), Incident: incident, Applied: *a}
	_, err := s.changes.InsertOne(ctx, doc)
	if err == nil {
		return nil
	}
	if !mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("store: insert change %s of %s as %d: %w", a.ID, incident, a.Seq, err)
	}
	// Either index can reject the insert. The change stored under this
	// sequence number tells which.
	existing, findErr := s.change(ctx, incident, a.Seq)
	switch {
	case findErr == nil && existing.ID == a.ID:
		return &DuplicateError{ChangeID: a.ID, Seq: a.Seq}
	case findErr == nil:
		return fmt.Errorf("store: change %s of %s as %d: %w", a.ID, incident, a.Seq, ErrSeqTaken)
	case !errors.Is(findErr, ErrNotFound):
		return findErr
	}
	seq, err := s.ChangeSeq(ctx, incident, a.ID)
	if err != nil {
		return err
	}
	return &DuplicateError{ChangeID: a.ID, Seq: seq}
}

// ChangeSeq returns the sequence number under which the incident stored the
// change with id changeID.
func (s *Store) ChangeSeq(ctx context.Context, incident, changeID string) (int64, error) {
	var doc struct {
		Seq int64 `bson:"seq"`
	}
	err := s.changes.FindOne(ctx, bson.D{{Key: "incident", Value: incident}, {Key: "changeId", Value: changeID}}).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, fmt.Errorf("store: change %s of %s: %w", changeID, incident, ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("store: find change %s of %s: %w", changeID, incident, err)
	}
	return doc.Seq, nil
}

// change reads one change by its _id, because FerretDB's SQLite backend uses
// an index only for a filter on _id alone; any other filter scans every
// change of every incident.
func (s *Store) change(ctx context.Context, incident string, seq int64) (*board.Applied, error) {
	var doc changeDoc
	err := s.changes.FindOne(ctx, bson.D{{Key: "_id", Value: changeKey(incident, seq)}}).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, fmt.Errorf("store: change %d of %s: %w", seq, incident, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: read change %d of %s: %w", seq, incident, err)
	}
	return &doc.Applied, nil
}

// ChangesAfter returns the changes stored after sequence number seq, oldest first.
func (s *Store) ChangesAfter(ctx context.Context, incident string, seq int64) ([]board.Applied, error) {
	var out []board.Applied
	for next := seq + 1; ; next++ {
		a, err := s.change(ctx, incident, next)
		if errors.Is(err, ErrNotFound) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
}

// ChangeIDs returns the id and sequence number of every change the incident
// holds. It reads the whole change log, so callers use it sparingly.
func (s *Store) ChangeIDs(ctx context.Context, incident string) (map[string]int64, error) {
	cur, err := s.changes.Find(ctx, bson.D{{Key: "incident", Value: incident}},
		options.Find().SetProjection(bson.D{{Key: "changeId", Value: 1}, {Key: "seq", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("store: list change ids of %s: %w", incident, err)
	}
	var docs []struct {
		ID  string `bson:"changeId"`
		Seq int64  `bson:"seq"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("store: list change ids of %s: %w", incident, err)
	}
	out := make(map[string]int64, len(docs))
	for _, d := range docs {
		out[d.ID] = d.Seq
	}
	return out, nil
}
