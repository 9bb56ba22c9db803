package store

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// Embedded is a FerretDB server running inside this process, keeping its
// data in SQLite files in a folder.
type Embedded struct {
	URI    string // MongoDB connection string of the embedded server
	cancel context.CancelFunc
	done   chan struct{}
}

// StartEmbedded starts FerretDB with the SQLite backend in dir, listening on
// a free loopback port. FerretDB logs every error reply with the whole wire
// message, so log receives only its errors.
func StartEmbedded(ctx context.Context, dir string, log *slog.Logger) (*Embedded, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("store: data folder %q: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("store: create data folder %s: %w", abs, err)
	}
	quiet := slog.New(levelFilter{handler: log.Handler(), min: slog.LevelError})
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/",
		Logger:    quiet.With("component", "ferretdb"),
	})
	if err != nil {
		return nil, fmt.Errorf("store: start FerretDB in %s: %w", abs, err)
	}
	runCtx, cancel := context.WithCancel(context.Background())
	e := &Embedded{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(e.done)
		if err := f.Run(runCtx); err != nil && runCtx.Err() == nil {
			log.Error("embedded FerretDB stopped", "err", err)
		}
	}()
	// MongoDBURI blocks until the listener has bound its port, and forever
	// if FerretDB fails first, so it runs aside.
	uri := make(chan string, 1)
	go func() { uri <- f.MongoDBURI() }()
	select {
	case e.URI = <-uri:
		return e, nil
	case <-ctx.Done():
		e.Stop()
		return nil, fmt.Errorf("store: FerretDB in %s did not start: %w", abs, ctx.Err())
	case <-e.done:
		return nil, fmt.Errorf("store: FerretDB in %s stopped while starting", abs)
	}
}

// Stop shuts the embedded server down and waits until it has.
func (e *Embedded) Stop() {
	e.cancel()
	<-e.done
}
