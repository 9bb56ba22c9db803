package hub

import "time"

// pingLoop pings each client of the room PingInterval after its last ping
// until the room closes. One loop per room replaces a goroutine and a
// timer per connection; each ping runs on a goroutine only until its pong
// arrives or PongTimeout passes.
func (r *Room) pingLoop() {
	tick := time.NewTicker(max(r.hub.cfg.PingInterval/10, time.Millisecond))
	defer tick.Stop()
	var due []*client
	for {
		select {
		case <-r.closed:
			return
		case now := <-tick.C:
			due = due[:0]
			r.mu.Lock()
			for c := range r.clients {
				if now.After(c.nextPing) {
					c.nextPing = now.Add(r.hub.cfg.PingInterval)
					due = append(due, c)
				}
			}
			r.mu.Unlock()
			for _, c := range due {
				go c.ping()
			}
			clear(due)
		}
	}
}
