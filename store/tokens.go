package store

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
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
