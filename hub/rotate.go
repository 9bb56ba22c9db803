package hub

import (
	"context"
	"errors"

	"github.com/sitrep/sitrep/store"
)

// ErrNotEditor means the token opens the incident as a stakeholder, and only
// the edit link may issue new links.
var ErrNotEditor = errors.New("only the edit link can issue new links")

// RotateToken makes newHash the hash of the incident's token for role, on
// the request of the holder of callerTok, who must hold the edit token. The
// database is updated first, then the open room, whose connections opened
// with the old token of that role are closed with 1008 "link revoked". It
// returns ErrNoAccess when callerTok does not open incident id, and
// ErrNotEditor when it is the view token.
//
// NOTE: with several server instances on one database, connections held by
// the other instances stay open, and their rooms keep accepting the old
// token until the room is loaded again.
func (h *Hub) RotateToken(ctx context.Context, id, callerTok string, role Role, newHash []byte) error {
	r, err := h.acquire(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return ErrNoAccess
	}
	if err != nil {
		return err
	}
	defer h.release(r)

	// writeMu orders the rotations of one incident, so two at once cannot
	// leave the database and the room with different hashes.
	r.writeMu.Lock()
	defer r.writeMu.Unlock()
	switch r.roleOf(callerTok) {
	case "":
		return ErrNoAccess
	case RoleView:
		return ErrNotEditor
	}
	if err := h.store.SetTokenHash(ctx, id, string(role), newHash); err != nil {
		return err
	}
	closed := r.revoke(role, newHash)
	h.log.Info("link rotated", "incident", id, "role", role, "closed_connections", closed)
	return nil
}

// revoke stores the new hash of role's token and closes every connection
// that opened with the old one. It returns how many it closed.
func (r *Room) revoke(role Role, newHash []byte) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	if role == RoleEdit {
		r.inc.EditTokenHash = newHash
	} else {
		r.inc.ViewTokenHash = newHash
	}
	closed := 0
	for c := range r.clients {
		if c.role == role {
			c.stop(ClosePolicy, "link revoked")
			closed++
		}
	}
	return closed
}
