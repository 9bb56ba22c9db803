package main

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// report is the measurement of one run, printed as is by -json.
type report struct {
	Incident  string  `json:"incident"`
	Viewers   int     `json:"viewers"`
	Editors   int     `json:"editors"`
	Rate      float64 `json:"rate"`
	Size      int     `json:"size"`
	Preload   int     `json:"preload"`
	DurationS float64 `json:"durationS"`
	PreloadS  float64 `json:"preloadS"`
	ConnectS  float64 `json:"connectS"`

	EditsSent     int     `json:"editsSent"`
	EditsAccepted int     `json:"editsAccepted"`
	EditsFailed   int64   `json:"editsFailed"`
	EditsPerS     float64 `json:"editsPerS"`
	P50Ms         float64 `json:"p50Ms"`
	P95Ms         float64 `json:"p95Ms"`
	P99Ms         float64 `json:"p99Ms"`
	MaxMs         float64 `json:"maxMs"`

	Delivered      int64   `json:"delivered"`
	DeliveredPerS  float64 `json:"deliveredPerS"`
	AvgMessageB    float64 `json:"avgMessageBytes"`
	Lost           int64   `json:"lost"`
	Gaps           int64   `json:"gaps"`
	ViewersDropped int64   `json:"viewersDropped"`
	SlowClosed     float64 `json:"slowClosed"`
	ConnErrors     int64   `json:"connErrors"`
	FirstError     string  `json:"firstError,omitempty"`

	RSSBeforeB        float64 `json:"rssBeforeBytes"`
	RSSIdleB          float64 `json:"rssIdleBytes"`
	RSSPerConnB       float64 `json:"rssPerConnBytes"`
	HeapPerConnB      float64 `json:"heapPerConnBytes"`
	StackPerConnB     float64 `json:"stackPerConnBytes"`
	GoroutinesPerConn float64 `json:"goroutinesPerConn"`
	StoreP99Ms        float64 `json:"storeP99Ms"`
	BroadcastP99Ms    float64 `json:"broadcastP99Ms"`
	SendDelayP99Ms    float64 `json:"sendDelayP99Ms"`
	MessagesPerWrite  float64 `json:"messagesPerWrite"`
	ServerCPUS        float64 `json:"serverCpuS"`
	FullWelcomeB      int     `json:"fullWelcomeBytes,omitempty"`
	ResumeWelcomeB    int     `json:"resumeWelcomeBytes,omitempty"`
	LoadAverage       string  `json:"loadAverage"`
	ToolCPUS          float64 `json:"toolCpuS"`
	WindowS           float64 `json:"windowS"`
}

// memory fills in what each connection costs the server, from metrics read
// before connecting and once connected and idle.
func (r *report) memory(before, idle map[string]float64) {
	conns := float64(r.Viewers + r.Editors)
	r.RSSBeforeB = before["process_resident_memory_bytes"]
	r.RSSIdleB = idle["process_resident_memory_bytes"]
	r.RSSPerConnB = (r.RSSIdleB - r.RSSBeforeB) / conns
	r.HeapPerConnB = (idle["go_memstats_heap_inuse_bytes"] + idle["go_memstats_stack_inuse_bytes"] -
		before["go_memstats_heap_inuse_bytes"] - before["go_memstats_stack_inuse_bytes"]) / conns
	r.StackPerConnB = (idle["go_memstats_stack_inuse_bytes"] - before["go_memstats_stack_inuse_bytes"]) / conns
	r.GoroutinesPerConn = (idle["go_goroutines"] - before["go_goroutines"]) / conns
}

// serverSide fills in the server's own histograms and counters for the
// measurement window, from metrics read before and after it.
func (r *report) serverSide(before, after map[string]float64) {
	r.StoreP99Ms = histogramQuantile(before, after, "sitrep_store_change_seconds", 0.99) * 1000
	r.BroadcastP99Ms = histogramQuantile(before, after, "sitrep_broadcast_seconds", 0.99) * 1000
	r.SendDelayP99Ms = histogramQuantile(before, after, "sitrep_send_delay_seconds", 0.99) * 1000
	if writes := after["sitrep_socket_writes_total"] - before["sitrep_socket_writes_total"]; writes > 0 {
		r.MessagesPerWrite = (after["sitrep_messages_sent_total"] - before["sitrep_messages_sent_total"]) / writes
	}
}

// histogramQuantile returns the upper bound of the bucket holding quantile
// q of the observations made between two scrapes, or 0 without any.
func histogramQuantile(before, after map[string]float64, name string, q float64) float64 {
	type bucket struct{ le, count float64 }
	var buckets []bucket
	prefix := name + `_bucket{le="`
	for series, v := range after {
		if !strings.HasPrefix(series, prefix) {
			continue
		}
		le, err := strconv.ParseFloat(strings.TrimSuffix(series[len(prefix):], `"}`), 64)
		if err != nil {
			continue
		}
		buckets = append(buckets, bucket{le, v - before[series]})
	}
	slices.SortFunc(buckets, func(a, b bucket) int { return cmp.Compare(a.le, b.le) })
	if len(buckets) == 0 || buckets[len(buckets)-1].count == 0 {
		return 0
	}
	want := q * buckets[len(buckets)-1].count
	for _, b := range buckets {
		if b.count >= want {
			return b.le
		}
	}
	return math.Inf(1)
}

// summarize computes the latency percentiles and counts of the run.
func (r *report) summarize(l *load, sent int, sendEnd time.Duration) {
	r.EditsSent = sent
	r.EditsFailed = l.failed.Load()
	var lat []time.Duration
	var lastDone int64
	for i := 0; i < sent; i++ {
		e := &l.edits[i]
		if e.accepted.Load() {
			r.EditsAccepted++
		}
		done := e.done.Load()
		if done == 0 {
			if e.accepted.Load() {
				r.Lost += int64(l.screens - e.got.Load())
			}
			continue
		}
		lastDone = max(lastDone, done)
		lat = append(lat, time.Duration(done-e.due.Load()))
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		i := min(len(lat)-1, int(p*float64(len(lat))))
		return float64(lat[i]) / 1e6
	}
	r.P50Ms, r.P95Ms, r.P99Ms = pct(0.50), pct(0.95), pct(0.99)
	if len(lat) > 0 {
		r.MaxMs = float64(lat[len(lat)-1]) / 1e6
	}
	begin := time.Duration(l.edits[0].due.Load())
	window := sendEnd - begin
	r.WindowS = window.Seconds()
	r.EditsPerS = float64(r.EditsAccepted) / window.Seconds()
	r.Delivered = l.delivered.Load()
	r.DeliveredPerS = float64(l.windowDeliv.Load()) / window.Seconds()
	if r.Delivered > 0 {
		r.AvgMessageB = float64(l.bytesIn.Load()) / float64(r.Delivered)
	}
	r.Gaps = l.gaps.Load()
	r.ViewersDropped = l.dropped.Load()
	r.ConnErrors = l.connErrors.Load()
	if s, ok := l.firstErr.Load().(string); ok {
		r.FirstError = s
	}
}

func (r *report) print(w io.Writer) {
	fmt.Fprintf(w, "incident %s: %d viewers, %d editors, rate %.0f/s (0 = as fast as delivered), %d-byte entries, %d preloaded\n",
		r.Incident, r.Viewers, r.Editors, r.Rate, r.Size, r.Preload)
	fmt.Fprintf(w, "edits: %d sent, %d accepted, %d failed, %.1f/s over %.1fs\n",
		r.EditsSent, r.EditsAccepted, r.EditsFailed, r.EditsPerS, r.WindowS)
	fmt.Fprintf(w, "edit to every screen: p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms\n", r.P50Ms, r.P95Ms, r.P99Ms, r.MaxMs)
	fmt.Fprintf(w, "delivered: %d change messages, %.0f/s, %.0f bytes each; lost %d, sequence gaps %d\n",
		r.Delivered, r.DeliveredPerS, r.AvgMessageB, r.Lost, r.Gaps)
	fmt.Fprintf(w, "dropped as too slow: %d (server counted %.0f); connection errors %d %s\n",
		r.ViewersDropped, r.SlowClosed, r.ConnErrors, r.FirstError)
	fmt.Fprintf(w, "server per connection: %.1f KB RSS, %.1f KB heap+stack of which %.1f KB stack, %.2f goroutines (RSS %.1f MB idle, %.1f MB before)\n",
		r.RSSPerConnB/1024, r.HeapPerConnB/1024, r.StackPerConnB/1024, r.GoroutinesPerConn, r.RSSIdleB/(1<<20), r.RSSBeforeB/(1<<20))
	fmt.Fprintf(w, "server p99 (bucket bound): store %.2f ms, commit to queued %.2f ms, queued to written %.2f ms; %.2f messages per write\n",
		r.StoreP99Ms, r.BroadcastP99Ms, r.SendDelayP99Ms, r.MessagesPerWrite)
	fmt.Fprintf(w, "CPU while sending: server %.2f s, load tool %.2f s, over %.1f s on the wall; load average at the end %s\n",
		r.ServerCPUS, r.ToolCPUS, r.WindowS, r.LoadAverage)
	if r.FullWelcomeB > 0 {
		fmt.Fprintf(w, "welcome: %d bytes for a new viewer, %d bytes for one reconnecting behind by the -resume changes\n",
			r.FullWelcomeB, r.ResumeWelcomeB)
	}
}
