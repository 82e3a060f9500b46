package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"duban/domain"
	"duban/store"
	"duban/store/storetest"
)

func TestScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		botFixture(t, db)
		zhang, _ := db.Contact(ctx, "zhang")
		boss, _ := db.Contact(ctx, "boss")
		// A third commitment in zhang's unit that zhang does not own.
		if _, err := db.AddCommitment(ctx, store.NewCommitment{Key: "c", Title: "平台建设", Unit: "管委会办公室",
			Owners: []string{"li"}, Due: domain.NewDate(2024, 5, 1)}); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name  string
			scope store.Scope
			id    int64
			want  bool
		}{
			{"an owner sees their commitment", store.Scope{ContactID: zhang.ID}, 1, true},
			{"an official does not see another unit's", store.Scope{ContactID: zhang.ID}, 2, false},
			{"an official does not see a colleague's", store.Scope{ContactID: zhang.ID}, 3, false},
			{"with unit scope an official sees the unit's", store.Scope{ContactID: zhang.ID, Unit: true}, 3, true},
			{"unit scope stops at the unit", store.Scope{ContactID: zhang.ID, Unit: true}, 2, false},
			{"a supervisor sees all", store.Scope{ContactID: boss.ID, All: true}, 2, true},
			{"nobody sees a missing id", store.Scope{ContactID: boss.ID, All: true}, 99, false},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := db.InScope(ctx, tc.scope, tc.id)
				if err != nil || got != tc.want {
					t.Errorf("InScope(#%d) = %v, %v; want %v", tc.id, got, err, tc.want)
				}
				c, err := db.ScopedCommitment(ctx, tc.scope, tc.id)
				switch {
				case tc.want && (err != nil || c.ID != tc.id):
					t.Errorf("ScopedCommitment(#%d) = %v, %v", tc.id, c, err)
				case !tc.want && (domain.ErrorCode(err) != domain.ENOTFOUND || domain.ErrorMessage(err) != fmt.Sprintf("commitment #%d not found", tc.id)):
					t.Errorf("ScopedCommitment(#%d): err = %v, want the missing-id error", tc.id, err)
				}
			})
		}
		t.Run("lists are most urgent first, limited, with the total", func(t *testing.T) {
			items, total, err := db.ScopedList(ctx, store.ScopedQuery{Scope: store.Scope{All: true}, Limit: 2})
			if err != nil {
				t.Fatal(err)
			}
			if total != 3 || len(items) != 2 || items[0].ID != 3 || items[1].ID != 1 {
				t.Errorf("total %d, items %v", total, commitmentIDs(items))
			}
		})
		t.Run("lists keep to the scope and the due range", func(t *testing.T) {
			items, total, err := db.ScopedList(ctx, store.ScopedQuery{Scope: store.Scope{ContactID: zhang.ID, Unit: true},
				DueTo: domain.NewDate(2024, 5, 31)})
			if err != nil {
				t.Fatal(err)
			}
			if total != 1 || len(items) != 1 || items[0].ID != 3 {
				t.Errorf("total %d, items %v", total, commitmentIDs(items))
			}
		})
		t.Run("unit scope lists the unit's and the own, limited, with the total", func(t *testing.T) {
			items, total, err := db.ScopedList(ctx, store.ScopedQuery{Scope: store.Scope{ContactID: zhang.ID, Unit: true}, Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			if total != 2 || len(items) != 1 || items[0].ID != 3 {
				t.Errorf("total %d, items %v", total, commitmentIDs(items))
			}
		})
		t.Run("a list without its total counts only what it returns", func(t *testing.T) {
			items, total, err := db.ScopedList(ctx, store.ScopedQuery{Scope: store.Scope{All: true}, Limit: 2, NoTotal: true})
			if err != nil || total != 2 || len(items) != 2 {
				t.Errorf("total %d, items %v, %v", total, commitmentIDs(items), err)
			}
		})
		t.Run("overdue is counted by unit", func(t *testing.T) {
			got, err := db.OverdueByUnit(ctx, domain.NewDate(2024, 6, 1))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0].Unit != "管委会办公室" || got[0].Count != 1 {
				t.Errorf("got %+v", got)
			}
		})
		t.Run("an extension request is found by its id", func(t *testing.T) {
			ext, err := db.RequestExtension(ctx, 1, domain.NewDate(2024, 9, 30), "雨季", time.UTC, store.Actor{ContactID: zhang.ID})
			if err != nil {
				t.Fatal(err)
			}
			got, err := db.ExtensionByID(ctx, ext.ID)
			if err != nil || got.CommitmentID != 1 || got.State != "pending" || got.RequesterID != zhang.ID {
				t.Errorf("got %+v, %v", got, err)
			}
			if _, err := db.ExtensionByID(ctx, 999); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Errorf("missing request: err = %v", err)
			}
		})
	})
}

func commitmentIDs(cs []*domain.Commitment) []int64 {
	out := make([]int64, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}
