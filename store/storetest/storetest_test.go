package storetest

import (
	"context"
	"testing"

	"duban/store"
)

// TestPostgresReachable is what CI runs first: it fails or skips exactly
// when every PostgreSQL test would.
func TestPostgresReachable(t *testing.T) {
	db := Open(t, store.Postgres)
	if err := db.Ready(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestEachBackendGetsAFreshDatabase(t *testing.T) {
	Each(t, func(t *testing.T, db *store.DB) {
		cs, err := db.Contacts(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 0 {
			t.Fatalf("fresh database has %d contacts", len(cs))
		}
	})
}
