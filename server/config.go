package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/realclientip/realclientip-go"
)

// Config is the server's configuration. Each field comes from a flag whose
// default is read from an environment variable.
type Config struct {
	Addr           string   // listen address
	DataDir        string   // folder of the embedded FerretDB's files
	MongoDBURI     string   // external MongoDB; when set nothing is embedded
	Database       string   // database name
	PublicURL      string   // base of the links handed out; empty hands out paths
	AllowedOrigins []string // extra origins allowed to open websockets
	LogLevel       string
	// FrameAncestors is the CSP frame-ancestors source list of the countdown
	// page, which dashboards may embed; every other page stays 'none'.
	FrameAncestors string
	// AccessKey, when set, is required for the home page, the incident
	// list and declaring an incident. Incident links work without it.
	AccessKey string
	// ConnectionsPerMinute bounds the websocket connections one client
	// address may open per minute, with bursts of as many at once.
	ConnectionsPerMinute int
	// MessageRate and MessageBurst bound the messages one websocket
	// connection may send: per second on average, and at once.
	MessageRate  int
	MessageBurst int
	PprofAddr    string // loopback address serving net/http/pprof; empty serves none
	// FollowInterval is how often an open incident reads what other
	// instances on the same MongoDB stored; zero never reads. The embedded
	// database serves one process only, so there it is always zero.
	FollowInterval time.Duration
	// TrustedProxies are the reverse proxies whose X-Forwarded-For gives
	// the client address; empty trusts none and uses the peer address.
	TrustedProxies []net.IPNet
}

type setting struct {
	flag, env, def, help string
	target               *string
}

// ParseConfig reads the configuration from args and the environment.
// It returns flag.ErrHelp after printing usage for -h and --help.
func ParseConfig(args []string, getenv func(string) string, out io.Writer) (Config, error) {
	var cfg Config
	var origins, connsPerMinute, messageRate, messageBurst, proxies, follow string
	settings := []setting{
		{"addr", "SITREP_ADDR", "127.0.0.1:8080", "listen address (host:port)", &cfg.Addr},
		{"data", "SITREP_DATA", "./data", "folder where the embedded database keeps its files; unused with a MongoDB URI", &cfg.DataDir},
		{"mongodb-uri", "SITREP_MONGODB_URI", "", "MongoDB connection string; when set, use that MongoDB and embed nothing", &cfg.MongoDBURI},
		{"database", "SITREP_DATABASE", "sitrep", "database name", &cfg.Database},
		{"public-url", "SITREP_PUBLIC_URL", "", "base URL of the links handed out, such as https://sitrep.example.com; empty hands out paths", &cfg.PublicURL},
		{"allowed-origins", "SITREP_ALLOWED_ORIGINS", "", "comma-separated extra origins (scheme://host[:port]) allowed to open websockets", &origins},
		{"log-level", "SITREP_LOG_LEVEL", "info", "log level: debug, info, warn or error", &cfg.LogLevel},
		{"frame-ancestors", "SITREP_FRAME_ANCESTORS", "'none'", "space-separated CSP frame-ancestors sources allowed to embed the countdown page, such as https://dash.example.com; other pages cannot be embedded", &cfg.FrameAncestors},
		{"access-key", "SITREP_ACCESS_KEY", "", "key required for the home page, the incident list and declaring incidents; empty requires none. Prefer the environment variable, which other users cannot read from the process list", &cfg.AccessKey},
		{"connections-per-minute", "SITREP_CONNECTIONS_PER_MINUTE", "120", "websocket connections one client address may open per minute (also the burst size)", &connsPerMinute},
		{"message-rate", "SITREP_MESSAGE_RATE", "20", "messages one websocket connection may send per second on average", &messageRate},
		{"message-burst", "SITREP_MESSAGE_BURST", "100", "messages one websocket connection may send at once before the rate applies", &messageBurst},
		{"follow-interval", "SITREP_FOLLOW_INTERVAL", "1s", "with a MongoDB URI: how often an open incident reads the changes, link rotations and webhooks other sitrep instances on that database stored, such as 500ms; 0 never reads, for a single instance. Unused with the embedded database", &follow},
		{"trusted-proxies", "SITREP_TRUSTED_PROXIES", "", "comma-separated addresses or CIDR ranges of the reverse proxies in front of sitrep, such as 10.0.0.0/8; a request from one of them counts as coming from the address it gives in X-Forwarded-For. Empty trusts no proxy", &proxies},
		{"pprof-addr", "SITREP_PPROF_ADDR", "", "loopback address (host:port) serving Go profiles under /debug/pprof/; empty serves none", &cfg.PprofAddr},
	}
	fs := flag.NewFlagSet("sitrep", flag.ContinueOnError)
	fs.SetOutput(out)
	for _, s := range settings {
		def := s.def
		if v := getenv(s.env); v != "" {
			def = v
		}
		fs.StringVar(s.target, s.flag, def, fmt.Sprintf("%s (env %s)", s.help, s.env))
	}
	fs.Usage = func() {
		fmt.Fprintf(out, "Usage: sitrep [flags]\n\nRuns the sitrep incident board. Every flag can also be set by its environment variable.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q; see --help", fs.Arg(0))
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	if cfg.PublicURL != "" {
		u, err := url.Parse(cfg.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return cfg, fmt.Errorf("invalid public URL %q: use http:// or https:// with a host", cfg.PublicURL)
		}
	}
	for _, o := range strings.Split(origins, ",") {
		if o = strings.TrimSpace(o); o == "" {
			continue
		}
		u, err := url.Parse(o)
		if err != nil || u.Host == "" {
			return cfg, fmt.Errorf("invalid allowed origin %q: use scheme://host[:port]", o)
		}
		cfg.AllowedOrigins = append(cfg.AllowedOrigins, u.Host)
	}
	if cfg.PublicURL != "" {
		u, _ := url.Parse(cfg.PublicURL)
		cfg.AllowedOrigins = append(cfg.AllowedOrigins, u.Host)
	}
	n, err := strconv.Atoi(connsPerMinute)
	if err != nil || n < 1 {
		return cfg, fmt.Errorf("invalid connections per minute %q: use a whole number of 1 or more", connsPerMinute)
	}
	cfg.ConnectionsPerMinute = n
	if cfg.MessageRate, err = strconv.Atoi(messageRate); err != nil || cfg.MessageRate < 1 {
		return cfg, fmt.Errorf("invalid message rate %q: use a whole number of 1 or more", messageRate)
	}
	if cfg.MessageBurst, err = strconv.Atoi(messageBurst); err != nil || cfg.MessageBurst < 1 {
		return cfg, fmt.Errorf("invalid message burst %q: use a whole number of 1 or more", messageBurst)
	}
	if err := checkFrameAncestors(cfg.FrameAncestors); err != nil {
		return cfg, err
	}
	cfg.FrameAncestors = strings.Join(strings.Fields(cfg.FrameAncestors), " ")
	if cfg.PprofAddr != "" {
		host, _, err := net.SplitHostPort(cfg.PprofAddr)
		if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
			return cfg, fmt.Errorf("invalid pprof address %q: use a loopback host:port such as 127.0.0.1:6060, because profiles reveal memory contents", cfg.PprofAddr)
		}
	}
	if cfg.FollowInterval, err = time.ParseDuration(follow); err != nil || cfg.FollowInterval < 0 {
		return cfg, fmt.Errorf("invalid follow interval %q: use a duration such as 1s or 500ms, or 0 for a single instance", follow)
	}
	if cfg.MongoDBURI == "" {
		cfg.FollowInterval = 0
	}
	if cfg.TrustedProxies, err = parseTrustedProxies(proxies); err != nil {
		return cfg, err
	}
	switch cfg.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return cfg, fmt.Errorf("invalid log level %q: use debug, info, warn or error", cfg.LogLevel)
	}
	return cfg, nil
}

// parseTrustedProxies reads a comma-separated list of addresses and CIDR
// ranges, naming the first entry that is neither.
func parseTrustedProxies(list string) ([]net.IPNet, error) {
	var nets []net.IPNet
	for _, entry := range strings.Split(list, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		n, err := realclientip.AddressesAndRangesToIPNets(entry)
		if err != nil {
			return nil, fmt.Errorf("invalid trusted proxy %q: use an IP address such as 10.0.0.7 or a CIDR range such as 10.0.0.0/8, without a zone", entry)
		}
		nets = append(nets, n...)
	}
	return nets, nil
}
