package hub

import "time"

// pingLoop pings each client of the room PingInterval after its last ping,
// and drops a client whose oldest unanswered ping is PongTimeout old, until
// the room closes. One loop per room replaces a goroutine and a timer per
// connection, and a ping is one small write: the pong is noted by the
// connection's reader (Socket.LastPong).
func (r *Room) pingLoop() {
	tick := time.NewTicker(max(r.hub.cfg.PingInterval/10, time.Millisecond))
	defer tick.Stop()
	var due, dead []*client
	for {
		select {
		case <-r.closed:
			return
		case now := <-tick.C:
			due, dead = due[:0], dead[:0]
			r.mu.Lock()
			for c := range r.clients {
				answered := !c.sock.LastPong().Before(c.pingSent)
				if !c.pingSent.IsZero() && !answered && now.Sub(c.pingSent) >= r.hub.cfg.PongTimeout {
					dead = append(dead, c)
					continue
				}
				if now.After(c.nextPing) {
					c.nextPing = now.Add(r.hub.cfg.PingInterval)
					if c.pingSent.IsZero() || answered {
						c.pingSent = now
					}
					due = append(due, c)
				}
			}
			r.mu.Unlock()
			for _, c := range dead {
				if !c.isClosing() {
					c.logger().Info("no pong in time, dropping connection", "pong_timeout", r.hub.cfg.PongTimeout)
				}
				_ = c.sock.CloseNow()
			}
			for _, c := range due {
				if err := c.sock.Ping(); err != nil && !isClosed(err) {
					c.logger().Info("ping failed, dropping connection", "err", err)
					_ = c.sock.CloseNow()
				}
			}
			clear(due)
			clear(dead)
		}
	}
}
