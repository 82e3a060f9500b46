// Package httpserver serves duban's operational endpoints: /healthz
// (process up), /readyz (each dependency: the database with its
// migrations, each channel) and /metrics (Prometheus).
package httpserver

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Readiness reports whether the service can do its work.
type Readiness interface {
	Ready(ctx context.Context) error
}

// Check is one dependency for /readyz: its name ("database", "telegram")
// and how to tell whether it is up.
type Check struct {
	Name  string
	Ready func(ctx context.Context) error
}

// Checks are the dependencies /readyz names, one line each. As a
// Readiness it fails when any of them is down.
type Checks []Check

// Ready returns nil when every dependency is up, else an error naming
// each that is down.
func (cs Checks) Ready(ctx context.Context) error {
	var down []string
	for _, c := range cs {
		if err := c.Ready(ctx); err != nil {
			down = append(down, c.Name+": "+err.Error())
		}
	}
	if len(down) > 0 {
		return fmt.Errorf("not ready: %s", strings.Join(down, "; "))
	}
	return nil
}

// Handler returns the mux with the three endpoints; extra routes (the
// Telegram webhook) can be added to it. With Checks, /readyz answers one
// line per dependency ("database: ok", "telegram: down: …") and 503 when
// any is down; with any other Readiness, "ready" or its error.
func Handler(ready Readiness, reg *prometheus.Registry) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if cs, ok := ready.(Checks); ok {
			var b strings.Builder
			code := http.StatusOK
			for _, c := range cs {
				if err := c.Ready(ctx); err != nil {
					code = http.StatusServiceUnavailable
					fmt.Fprintf(&b, "%s: down: %s\n", c.Name, oneLine(err.Error()))
				} else {
					fmt.Fprintf(&b, "%s: ok\n", c.Name)
				}
			}
			w.WriteHeader(code)
			w.Write([]byte(b.String()))
			return
		}
		if err := ready.Ready(ctx); err != nil {
			http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ready\n"))
	})
	if reg != nil {
		mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	}
	return mux
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
