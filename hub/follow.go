package hub

import (
	"bytes"
	"context"
	"time"
)

// followLoop keeps the room in step with other server instances that share
// its database, until the room closes. Neither MongoDB without a replica
// set nor FerretDB offers change streams, so the room reads, every
// FollowInterval, whether the change after its last one exists and whether
// the incident's links or webhook changed. Both are reads by _id, which
// every backend serves from an index.
func (r *Room) followLoop() {
	tick := time.NewTicker(r.hub.cfg.FollowInterval)
	defer tick.Stop()
	failing := false
	for {
		select {
		case <-r.closed:
			return
		case <-tick.C:
		}
		err := r.follow()
		switch {
		case err != nil && !failing:
			r.hub.log.Warn("reading other instances' changes failed", "incident", r.id, "err", err)
		case err == nil && failing:
			r.hub.log.Info("reading other instances' changes works again", "incident", r.id)
		}
		failing = err != nil
	}
}

// follow commits the changes other instances stored since the room's last
// and applies their link rotations and webhook settings. A room that is
// storing a change of its own skips the round: that store finds other
// instances' changes itself, and the next round comes soon.
func (r *Room) follow() error {
	if !r.writeMu.TryLock() {
		return nil
	}
	defer r.writeMu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), r.hub.cfg.WriteTimeout)
	defer cancel()
	if err := r.catchUp(ctx); err != nil {
		return err
	}
	settings, err := r.hub.store.Settings(ctx, r.id)
	if err != nil {
		return err
	}

	r.mu.Lock()
	editRotated := !bytes.Equal(settings.EditTokenHash, r.inc.EditTokenHash)
	viewRotated := !bytes.Equal(settings.ViewTokenHash, r.inc.ViewTokenHash)
	r.inc.WebhookURL = settings.WebhookURL
	r.mu.Unlock()
	// The hashes are compared and replaced under writeMu, which RotateToken
	// holds too, so a rotation through this instance cannot be undone here.
	if editRotated {
		closed := r.revoke(RoleEdit, settings.EditTokenHash)
		r.hub.log.Info("link rotated by another instance", "incident", r.id, "role", RoleEdit, "closed_connections", closed)
	}
	if viewRotated {
		closed := r.revoke(RoleView, settings.ViewTokenHash)
		r.hub.log.Info("link rotated by another instance", "incident", r.id, "role", RoleView, "closed_connections", closed)
	}
	return nil
}
