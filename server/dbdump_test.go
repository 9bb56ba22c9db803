package main

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// dumpedDoc is one document of a database copy: its raw BSON and its
// extended JSON text.
type dumpedDoc struct {
	collection string
	raw        bson.Raw
	text       string
}

// dumpDatabase reads every document of every collection of the app's
// database, as a backup or a stolen copy of its files would hold them.
func dumpDatabase(t *testing.T, a *app) []dumpedDoc {
	t.Helper()
	if a.embedded == nil {
		t.Fatal("the app runs no embedded database to dump")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	client, err := mongo.Connect(options.Client().ApplyURI(a.embedded.URI))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = client.Disconnect(context.Background()) }()
	db := client.Database(a.srv.cfg.Database)
	names, err := db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	var out []dumpedDoc
	for _, name := range names {
		cur, err := db.Collection(name).Find(ctx, bson.D{})
		if err != nil {
			t.Fatalf("dump %s: %v", name, err)
		}
		for cur.Next(ctx) {
			raw := append(bson.Raw(nil), cur.Current...)
			out = append(out, dumpedDoc{collection: name, raw: raw, text: raw.String()})
		}
		if err := cur.Err(); err != nil {
			t.Fatalf("dump %s: %v", name, err)
		}
		_ = cur.Close(ctx)
	}
	return out
}

// tokenLikeValues returns what an attacker holding the dump would try as a
// token: every binary value in base64url, base64 and hex, and every string
// of 32 characters or more.
func tokenLikeValues(docs []dumpedDoc) []string {
	var out []string
	var walk func(v bson.RawValue)
	walk = func(v bson.RawValue) {
		switch v.Type {
		case bson.TypeBinary:
			_, data := v.Binary()
			out = append(out, base64.RawURLEncoding.EncodeToString(data), base64.StdEncoding.EncodeToString(data), hex.EncodeToString(data))
		case bson.TypeString:
			if s := v.StringValue(); len(s) >= 32 {
				out = append(out, s)
			}
		case bson.TypeEmbeddedDocument, bson.TypeArray:
			elems, _ := bson.Raw(v.Value).Elements()
			for _, e := range elems {
				walk(e.Value())
			}
		}
	}
	for _, d := range docs {
		elems, _ := d.raw.Elements()
		for _, e := range elems {
			walk(e.Value())
		}
	}
	return out
}

// decodeToken returns the random bytes of a base64url token.
func decodeToken(t *testing.T, tok string) []byte {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		t.Fatalf("token is not base64url: %v", err)
	}
	return raw
}
