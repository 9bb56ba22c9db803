package hub

import "github.com/prometheus/client_golang/prometheus"

type metrics struct {
	connections  *prometheus.GaugeVec
	changes      *prometheus.CounterVec
	storeSeconds prometheus.Histogram
	rejected     *prometheus.CounterVec
	slowClosed   prometheus.Counter
	dropped      prometheus.Counter
	sent         prometheus.Counter
	writes       prometheus.Counter
	broadcast    prometheus.Histogram
	sendDelay    prometheus.Histogram
}

func newMetrics(reg prometheus.Registerer) *metrics {
	// Buckets from 50 µs to about 3.3 s, doubling.
	latency := prometheus.ExponentialBuckets(0.00005, 2, 17)
	m := &metrics{
		connections: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "sitrep_connections", Help: "Open websocket connections by role.",
		}, []string{"role"}),
		changes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sitrep_changes_total", Help: "Changes received, by result: accepted, invalid or unavailable.",
		}, []string{"result"}),
		storeSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "sitrep_store_change_seconds", Help: "Time to store one change in the database.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16),
		}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sitrep_messages_rejected_total", Help: "Client messages rejected, by error code.",
		}, []string{"code"}),
		slowClosed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sitrep_slow_clients_closed_total", Help: "Connections closed because their send queue was full.",
		}),
		dropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sitrep_messages_dropped_total", Help: "Messages discarded unsent from the queues of connections closed as too slow; each such client catches up when it reconnects.",
		}),
		sent: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sitrep_messages_sent_total", Help: "Messages written to websocket connections.",
		}),
		writes: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sitrep_socket_writes_total", Help: "Writes to websocket connections; each carries every message queued for its connection at the time.",
		}),
		broadcast: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "sitrep_broadcast_seconds", Help: "Time from a change's commit until it is queued for every connection of its incident.",
			Buckets: latency,
		}),
		sendDelay: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "sitrep_send_delay_seconds", Help: "Time from queueing a message until its connection has written it, for the oldest message of each write.",
			Buckets: latency,
		}),
	}
	reg.MustRegister(m.connections, m.changes, m.storeSeconds, m.rejected, m.slowClosed, m.dropped,
		m.sent, m.writes, m.broadcast, m.sendDelay)
	return m
}
