package main

import (
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"duban/telegram/telegramtest"
)

// shimTB lets the harness use telegramtest.New outside a test: the fake
// only calls Helper, Fatal, Fatalf and Cleanup.
type shimTB struct {
	testing.TB
	mu       sync.Mutex
	cleanups []func()
}

func (*shimTB) Helper()                        {}
func (*shimTB) Fatal(args ...any)              { panic(fmt.Sprint(args...)) }
func (*shimTB) Fatalf(f string, args ...any)   { panic(fmt.Sprintf(f, args...)) }
func (t *shimTB) Cleanup(f func())             { t.mu.Lock(); t.cleanups = append(t.cleanups, f); t.mu.Unlock() }
func (t *shimTB) Errorf(f string, args ...any) { panic(fmt.Sprintf(f, args...)) }

func (t *shimTB) close() {
	t.mu.Lock()
	fs := t.cleanups
	t.cleanups = nil
	t.mu.Unlock()
	for i := len(fs) - 1; i >= 0; i-- {
		fs[i]()
	}
}

// token is the fake bot's token; it is no secret.
const token = "424242:CHAOS-TOKEN"

// fakeAPI is the fake Bot API behind a gate: duban talks to the gate's
// port, which can refuse connections (a Telegram outage as the kernel
// shows it) while the fake keeps its state.
type fakeAPI struct {
	tb   *shimTB
	srv  *telegramtest.Server
	gate *gate

	mu   sync.Mutex
	slow time.Duration // delay of every sendMessage while > 0
}

func newFakeAPI() (*fakeAPI, error) {
	tb := &shimTB{}
	srv := telegramtest.New(tb, token)
	u, err := url.Parse(srv.URL())
	if err != nil {
		return nil, err
	}
	g, err := newGate(u.Host)
	if err != nil {
		tb.close()
		return nil, err
	}
	f := &fakeAPI{tb: tb, srv: srv, gate: g}
	srv.OnRequest(func(method string, _ url.Values) *telegramtest.Fault {
		f.mu.Lock()
		d := f.slow
		f.mu.Unlock()
		if d > 0 && method == "sendMessage" {
			x := telegramtest.Slow(d)
			return &x
		}
		return nil
	})
	return f, nil
}

// endpoint is telegram.api_endpoint for duban: the gate's address.
func (f *fakeAPI) endpoint() string { return "http://" + f.gate.addr + "/bot%s/%s" }

func (f *fakeAPI) setSlow(d time.Duration) { f.mu.Lock(); f.slow = d; f.mu.Unlock() }

func (f *fakeAPI) close() { f.gate.shut(); f.tb.close() }

// received counts the sendMessage texts each chat got.
func (f *fakeAPI) received() map[int64]int {
	out := map[int64]int{}
	for _, m := range f.srv.Sent() {
		if m.Method == "sendMessage" && !strings.HasPrefix(m.Text, "\x00") {
			out[m.ChatID]++
		}
	}
	return out
}

// gate forwards TCP connections from a fixed loopback port to the fake;
// refuse closes the listener (new connections get ECONNREFUSED) and cuts
// the open ones, open listens again on the same port.
type gate struct {
	addr, target string

	mu    sync.Mutex
	ln    net.Listener
	conns map[net.Conn]bool
}

func newGate(target string) (*gate, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("gate: %w", err)
	}
	g := &gate{addr: ln.Addr().String(), target: target, conns: map[net.Conn]bool{}}
	g.serve(ln)
	return g, nil
}

func (g *gate) serve(ln net.Listener) {
	g.mu.Lock()
	g.ln = ln
	g.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go g.pipe(c)
		}
	}()
}

func (g *gate) pipe(c net.Conn) {
	up, err := net.Dial("tcp", g.target)
	if err != nil {
		c.Close()
		return
	}
	g.mu.Lock()
	g.conns[c], g.conns[up] = true, true
	g.mu.Unlock()
	done := make(chan struct{}, 2)
	go func() { io.Copy(up, c); done <- struct{}{} }()
	go func() { io.Copy(c, up); done <- struct{}{} }()
	<-done
	c.Close()
	up.Close()
	g.mu.Lock()
	delete(g.conns, c)
	delete(g.conns, up)
	g.mu.Unlock()
}

// refuse closes the port and every open connection.
func (g *gate) refuse() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ln != nil {
		g.ln.Close()
		g.ln = nil
	}
	for c := range g.conns {
		c.Close()
	}
}

// open listens on the port again.
func (g *gate) open() error {
	g.mu.Lock()
	if g.ln != nil {
		g.mu.Unlock()
		return nil
	}
	g.mu.Unlock()
	var err error
	for i := 0; i < 50; i++ {
		var ln net.Listener
		if ln, err = net.Listen("tcp", g.addr); err == nil {
			g.serve(ln)
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("gate: reopen %s: %w", g.addr, err)
}

func (g *gate) shut() { g.refuse() }
