// Command duban keeps government units to their written promises: it stores
// each promised action with its due date and responsible contacts, reminds
// them before and after the deadline, and escalates what slips.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := NewMain().Run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}
