package main

import (
	"errors"
	"log/slog"
	"net/http"
	"net/http/pprof"
)

// servePprof serves Go's profiles on addr, a loopback address, apart from
// the public listener, until the process exits.
func servePprof(addr string, log *slog.Logger) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	go func() {
		err := http.ListenAndServe(addr, mux)
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("serving profiles failed", "addr", addr, "err", err)
		}
	}()
	log.Info("serving profiles", "addr", addr)
}
