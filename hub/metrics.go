package hub

import "github.com/prometheus/client_golang/prometheus"

type metrics struct {
	connections  *prometheus.GaugeVec
	changes      *prometheus.CounterVec
	storeSeconds prometheus.Histogram
	rejected     *prometheus.CounterVec
	slowClosed   prometheus.Counter
	sent         prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) *metrics {
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
		sent: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sitrep_messages_sent_total", Help: "Messages written to websocket connections.",
		}),
	}
	reg.MustRegister(m.connections, m.changes, m.storeSeconds, m.rejected, m.slowClosed, m.sent)
	return m
}
