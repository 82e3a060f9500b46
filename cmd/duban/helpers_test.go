package main

import (
	"context"
	"testing"

	"github.com/mattn/go-runewidth"

	"duban/store"
)

func displayWidth(s string) int { return runewidth.StringWidth(s) }

func openStore(t testing.TB, url string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
