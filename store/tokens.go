package store

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Token kinds: which of an incident's two links a token opens.
const (
	KindEdit = "edit"
	KindView = "view"
)

// SetTokenHash replaces the stored hash of the incident's edit or view token,
// so the old token stops opening the incident on the next load. The filter
// is on _id alone, the only filter FerretDB's SQLite backend serves from an
// index. It returns ErrNotFound for an unknown incident.
func (s *Store) SetTokenHash(ctx context.Context, id, kind string, hash []byte) error {
	var field string
	switch kind {
	case KindEdit:
		field = "editTokenHash"
	case KindView:
		field = "viewTokenHash"
	default:
		return fmt.Errorf("store: set token hash of %s: unknown kind %q", id, kind)
	}
	update := bson.D{{Key: "$set", Value: bson.D{{Key: field, Value: hash}}}}
	res, err := s.incidents.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, update)
	if err != nil {
		return fmt.Errorf("store: set %s token hash of %s: %w", kind, id, err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("store: set %s token hash of %s: %w", kind, id, ErrNotFound)
	}
	return nil
}

// SetWebhook stores the incident's webhook URL; "" removes it. It returns
// ErrNotFound for an unknown incident. The error never contains the URL.
func (s *Store) SetWebhook(ctx context.Context, id, url string) error {
	update := bson.D{{Key: "$set", Value: bson.D{{Key: "webhookUrl", Value: url}}}}
	res, err := s.incidents.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, update)
	if err != nil {
		return fmt.Errorf("store: set webhook of %s: %w", id, err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("store: set webhook of %s: %w", id, ErrNotFound)
	}
	return nil
}

// Settings are the parts of an incident that change outside its change
// log: the hashes of its link tokens and its webhook URL.
type Settings struct {
	EditTokenHash []byte
	ViewTokenHash []byte
	WebhookURL    string
}

// Settings reads the incident's token hashes and webhook URL, so that a
// server instance can notice a link rotated or a webhook set through
// another instance. It returns ErrNotFound for an unknown incident.
func (s *Store) Settings(ctx context.Context, id string) (*Settings, error) {
	var doc struct {
		EditTokenHash []byte `bson:"editTokenHash"`
		ViewTokenHash []byte `bson:"viewTokenHash"`
		WebhookURL    string `bson:"webhookUrl"`
	}
	projection := bson.D{{Key: "editTokenHash", Value: 1}, {Key: "viewTokenHash", Value: 1}, {Key: "webhookUrl", Value: 1}}
	err := s.incidents.FindOne(ctx, bson.D{{Key: "_id", Value: id}}, options.FindOne().SetProjection(projection)).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, fmt.Errorf("store: settings of %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: read settings of %s: %w", id, err)
	}
	return &Settings{EditTokenHash: doc.EditTokenHash, ViewTokenHash: doc.ViewTokenHash, WebhookURL: doc.WebhookURL}, nil
}
