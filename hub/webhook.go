package hub

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/sitrep/sitrep/board"
	"github.com/sitrep/sitrep/store"
	"github.com/sitrep/sitrep/token"
)

// Limits of webhook delivery.
const (
	webhookQueue   = 64               // notifications waiting per incident; more are dropped and logged
	webhookTimeout = 10 * time.Second // one POST, connection included
	webhookMaxWait = 30 * time.Second // cap on the wait between retries
)

// notifier posts notifications to incidents' webhooks, one worker per
// incident with a bounded queue, so a slow receiver delays only its own
// incident's messages and never a broadcast.
type notifier struct {
	hub    *Hub
	client *http.Client
	ctx    context.Context
	cancel context.CancelFunc

	mu      sync.Mutex
	queues  map[string]chan notice
	workers sync.WaitGroup
}

type notice struct {
	url, text string
}

func newNotifier(h *Hub) *notifier {
	ctx, cancel := context.WithCancel(context.Background())
	return &notifier{hub: h, ctx: ctx, cancel: cancel, queues: map[string]chan notice{},
		client: &http.Client{
			Timeout: webhookTimeout,
			// A redirect could lead the POST anywhere; receivers answer directly.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}}
}

// enqueue queues texts for incident id's webhook without blocking, starting
// the incident's worker when none runs.
func (n *notifier) enqueue(id, webhook string, texts []string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	q, running := n.queues[id]
	if !running {
		q = make(chan notice, webhookQueue)
		n.queues[id] = q
	}
	for _, text := range texts {
		select {
		case q <- notice{url: webhook, text: text}:
		default:
			n.hub.log.Warn("webhook queue full, notification dropped", "incident", id, "host", hostOf(webhook))
		}
	}
	if !running {
		n.workers.Add(1)
		go n.work(id, q)
	}
}

// work delivers the incident's notifications in order and exits once its
// queue is empty; the check and the removal happen under mu, so enqueue
// either sees the worker running or starts a new one.
func (n *notifier) work(id string, q chan notice) {
	defer n.workers.Done()
	for {
		n.mu.Lock()
		if len(q) == 0 {
			delete(n.queues, id)
			n.mu.Unlock()
			return
		}
		msg := <-q
		n.mu.Unlock()
		err := n.deliver(id, msg)
		if n.ctx.Err() != nil {
			return
		}
		n.record(id, err)
	}
}

// deliver posts {"text": ...} until the receiver answers 2xx, at most
// WebhookAttempts times, waiting WebhookBackoff, then twice as long after
// each failure, up to webhookMaxWait.
func (n *notifier) deliver(id string, msg notice) error {
	body, _ := json.Marshal(map[string]string{"text": msg.text})
	wait := n.hub.cfg.WebhookBackoff
	var err error
	for attempt := 1; attempt <= n.hub.cfg.WebhookAttempts; attempt++ {
		if err = n.post(msg.url, body); err == nil {
			return nil
		}
		if attempt == n.hub.cfg.WebhookAttempts {
			break
		}
		n.hub.log.Warn("webhook delivery failed, retrying", "incident", id, "host", hostOf(msg.url), "attempt", attempt, "retry_in", wait, "err", err)
		select {
		case <-time.After(wait):
		case <-n.ctx.Done():
			return n.ctx.Err()
		}
		wait = min(2*wait, webhookMaxWait)
	}
	n.hub.log.Error("webhook delivery failed", "incident", id, "host", hostOf(msg.url), "attempts", n.hub.cfg.WebhookAttempts, "err", err)
	return err
}

// post sends one request. Its error never contains the URL, whose path is
// the webhook's secret.
func (n *notifier) post(webhook string, body []byte) error {
	req, err := http.NewRequestWithContext(n.ctx, http.MethodPost, webhook, bytes.NewReader(body))
	if err != nil {
		return errors.New("invalid webhook URL")
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := n.client.Do(req)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			return uerr.Err
		}
		return errors.New("request failed")
	}
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("the receiver answered HTTP %d", resp.StatusCode)
	}
	return nil
}

// record writes the delivery's outcome into the incident's webhook record,
// so the board shows it: every failure, and a success only when it follows
// a failure or is the first, to keep the change log quiet.
func (n *notifier) record(id string, deliveryErr error) {
	ctx, cancel := context.WithTimeout(n.ctx, 30*time.Second)
	defer cancel()
	r, err := n.hub.acquire(ctx, id)
	if err != nil {
		n.hub.log.Error("recording webhook delivery failed", "incident", id, "err", err)
		return
	}
	defer n.hub.release(r)
	now := board.FormatTime(time.Now())
	fields := map[string]any{"lastDeliveredAt": now, "lastError": ""}
	if deliveryErr != nil {
		fields = map[string]any{"lastError": board.Quote(deliveryErr.Error(), board.MaxShortText*2), "lastErrorAt": now}
	} else {
		r.mu.Lock()
		cur, ok := r.inc.Board.Get(board.ListWebhook, board.WebhookID)
		quiet := ok && cur.Text("lastError") == "" && cur.Text("lastDeliveredAt") != ""
		r.mu.Unlock()
		if quiet {
			return
		}
	}
	r.writeMu.Lock()
	defer r.writeMu.Unlock()
	if err := r.applySystem(ctx, fields); err != nil {
		n.hub.log.Error("recording webhook delivery failed", "incident", id, "err", err)
	}
}

// stop cancels deliveries in flight and waits for the workers to end.
func (n *notifier) stop() {
	n.cancel()
	n.workers.Wait()
}

// hostOf returns the host of a webhook URL, the only part that may be shown or logged.
func hostOf(webhook string) string {
	u, err := url.Parse(webhook)
	if err != nil {
		return ""
	}
	return u.Host
}

// notifications returns the messages a change sends to the webhook:
// posted updates, severity and status changes, and the all-clear.
func notifications(id, title string, a *board.Applied) []string {
	prefix := fmt.Sprintf("[%s %s] ", id, title)
	var out []string
	for _, r := range a.Records {
		if r.List != board.ListTimeline || r.CreatedSeq != a.Seq {
			continue
		}
		switch r.Text("kind") {
		case board.EntryUpdate:
			out = append(out, prefix+"Update to "+r.Text("audience")+": "+r.Text("text"))
		case board.EntryAllClear:
			out = append(out, prefix+r.Text("text"))
		case board.EntryAuto:
			if a.List == board.ListHeader {
				out = append(out, prefix+r.Text("text"))
			}
		}
	}
	return out
}

// ErrInvalidWebhook means a webhook URL is not an absolute http or https URL.
var ErrInvalidWebhook = errors.New("must be empty or an absolute http:// or https:// URL of at most 500 bytes")

// SetWebhook stores webhook as incident id's notification URL ("" removes
// it) on the request of the edit-token holder callerTok, and records its
// host on the board. It returns ErrNoAccess, ErrNotEditor or ErrInvalidWebhook.
func (h *Hub) SetWebhook(ctx context.Context, id, callerTok, webhook string) (string, error) {
	host := ""
	if webhook != "" {
		u, err := url.Parse(webhook)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(webhook) > board.MaxURL {
			return "", ErrInvalidWebhook
		}
		host = u.Host
	}
	r, err := h.acquire(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return "", ErrNoAccess
	}
	if err != nil {
		return "", err
	}
	defer h.release(r)
	r.writeMu.Lock()
	defer r.writeMu.Unlock()
	switch r.roleOf(callerTok) {
	case "":
		return "", ErrNoAccess
	case RoleView:
		return "", ErrNotEditor
	}
	if err := h.store.SetWebhook(ctx, id, webhook); err != nil {
		return "", err
	}
	r.mu.Lock()
	r.inc.WebhookURL = webhook
	r.mu.Unlock()
	h.log.Info("webhook set", "incident", id, "host", host)
	return host, r.applySystem(ctx, map[string]any{"host": host, "lastError": "", "lastErrorAt": "", "lastDeliveredAt": ""})
}

// applySystem applies, stores and broadcasts a change of the server's own
// to the incident's webhook record. Callers hold writeMu.
func (r *Room) applySystem(ctx context.Context, fields map[string]any) error {
	for attempt := 0; attempt < 3; attempt++ {
		r.mu.Lock()
		op := board.OpUpdate
		if _, ok := r.inc.Board.Get(board.ListWebhook, board.WebhookID); !ok {
			op = board.OpAdd
		}
		ch := board.Change{ID: "sitrep-" + token.New()[:32], Op: op, List: board.ListWebhook, Item: board.WebhookID, Fields: fields, System: true}
		a, verr := r.inc.Board.Apply(ch, "sitrep", time.Now())
		r.mu.Unlock()
		if verr != nil {
			return verr
		}
		err := r.hub.store.InsertChange(ctx, r.id, a)
		if err == nil {
			r.commit(a, true)
			return nil
		}
		if !errors.Is(err, store.ErrSeqTaken) {
			return err
		}
		if err := r.catchUp(ctx); err != nil {
			return err
		}
	}
	return fmt.Errorf("hub: change to the webhook record of %s: %w", r.id, store.ErrSeqTaken)
}
