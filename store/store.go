// Package store keeps incidents in MongoDB, or in the FerretDB the server
// embeds when no MongoDB is configured. The change log is the source of
// truth: a change counts as made once its document is inserted, and the
// unique _id of that document lets the database, not a process, decide
// which change gets which sequence number. Snapshots of the whole board are
// written now and then so that loading an incident replays only a short tail.
package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
	"go.mongodb.org/mongo-driver/v2/mongo/writeconcern"
)

// Errors the store returns for conditions callers handle.
var (
	// ErrNotFound means no incident has the requested id.
	ErrNotFound = errors.New("not found")
	// ErrSeqTaken means another writer already stored a change with this
	// sequence number; the caller must reload the incident and try again.
	ErrSeqTaken = errors.New("sequence number already taken")
)

// DuplicateError reports a change whose id the incident already holds.
type DuplicateError struct {
	ChangeID string
	Seq      int64 // sequence number the change was stored under
}

func (e *DuplicateError) Error() string {
	return fmt.Sprintf("change %s was already stored as %d", e.ChangeID, e.Seq)
}

// Store reads and writes incidents. It is safe for concurrent use.
type Store struct {
	client    *mongo.Client
	incidents *mongo.Collection // one small document per incident: tokens and summary
	snapshots *mongo.Collection // one document per incident: all records as of a sequence number
	changes   *mongo.Collection // one document per accepted change
	counters  *mongo.Collection // one document per UTC day, counting incident ids
}

// Open connects to the MongoDB at uri, uses database dbName and makes sure
// the indexes exist. It fails when the server does not answer within the
// context's deadline.
func Open(ctx context.Context, uri, dbName string) (*Store, error) {
	// Majority write concern with journaling: a change is acknowledged to its
	// author only once it survives a crash of the database primary.
	opts := options.Client().ApplyURI(uri).
		SetWriteConcern(writeconcern.Majority()).
		SetServerSelectionTimeout(5 * time.Second).
		SetTimeout(10 * time.Second)
	client, err := mongo.Connect(opts)
	if err != nil {
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	if err := client.Ping(ctx, readpref.Primary()); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, fmt.Errorf("store: ping: %w", err)
	}
	db := client.Database(dbName)
	s := &Store{
		client:    client,
		incidents: db.Collection("incidents"),
		snapshots: db.Collection("snapshots"),
		changes:   db.Collection("changes"),
		counters:  db.Collection("counters"),
	}
	_, err = s.changes.Indexes().CreateOne(ctx, mongo.IndexModel{
		Keys:    bson.D{{Key: "incident", Value: 1}, {Key: "changeId", Value: 1}},
		Options: options.Index().SetUnique(true).SetName("incident_changeId"),
	})
	if err != nil {
		_ = client.Disconnect(context.Background())
		return nil, fmt.Errorf("store: create index on changes: %w", err)
	}
	return s, nil
}

// Close disconnects from the database.
func (s *Store) Close(ctx context.Context) error {
	return s.client.Disconnect(ctx)
}

// Ping returns nil when the database answers.
func (s *Store) Ping(ctx context.Context) error {
	return s.client.Ping(ctx, readpref.Primary())
}
