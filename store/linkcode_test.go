package store_test

import (
	"context"
	"errors"
	"regexp"
	"testing"
	"time"

	"duban/domain"
	"duban/store"
	"duban/store/storetest"
)

func TestLinkCodes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		botFixture(t, db)
		now := botNow
		db.Now = func() time.Time { return now }

		t.Run("a code is 16 characters without look-alikes, valid for 72 hours", func(t *testing.T) {
			lc, err := db.IssueLinkCode(ctx, "zhang")
			if err != nil {
				t.Fatal(err)
			}
			if !regexp.MustCompile(`^[2-9A-HJKMNP-Z]{16}$`).MatchString(lc.Code) {
				t.Errorf("code %q", lc.Code)
			}
			if want := now.Add(72 * time.Hour); !lc.ExpiresAt.Equal(want) {
				t.Errorf("expires %v, want %v", lc.ExpiresAt, want)
			}
			other, _ := db.IssueLinkCode(ctx, "li")
			if other.Code == lc.Code {
				t.Error("two codes are equal")
			}
		})
		t.Run("an unknown contact gets no code", func(t *testing.T) {
			if _, err := db.IssueLinkCode(ctx, "nobody"); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Errorf("err = %v, want not found", err)
			}
		})
		t.Run("using a code links the chat once", func(t *testing.T) {
			lc, _ := db.IssueLinkCode(ctx, "zhang")
			ct, err := db.UseLinkCode(ctx, lc.Code, 100001, 100001)
			if err != nil {
				t.Fatal(err)
			}
			if ct.Key != "zhang" || ct.ChatID != 100001 || ct.TelegramUserID != 100001 {
				t.Errorf("linked %+v", ct)
			}
			if _, err := db.UseLinkCode(ctx, lc.Code, 200002, 200002); !errors.Is(err, store.ErrLinkCodeUsed) {
				t.Errorf("second use: err = %v, want ErrLinkCodeUsed", err)
			}
			if got, _ := db.ContactByChat(ctx, 200002); got != nil {
				t.Error("a used code linked another chat")
			}
		})
		t.Run("an expired code changes nothing", func(t *testing.T) {
			lc, _ := db.IssueLinkCode(ctx, "li")
			now = now.Add(72 * time.Hour)
			defer func() { now = botNow }()
			if _, err := db.UseLinkCode(ctx, lc.Code, 300003, 300003); !errors.Is(err, store.ErrLinkCodeExpired) {
				t.Errorf("err = %v, want ErrLinkCodeExpired", err)
			}
			if ct, _ := db.Contact(ctx, "li"); ct.ChatID != 0 {
				t.Errorf("chat linked by an expired code: %d", ct.ChatID)
			}
		})
		t.Run("a new code replaces the contact's unused one", func(t *testing.T) {
			old, _ := db.IssueLinkCode(ctx, "li")
			if _, err := db.IssueLinkCode(ctx, "li"); err != nil {
				t.Fatal(err)
			}
			if _, err := db.UseLinkCode(ctx, old.Code, 300003, 300003); !errors.Is(err, store.ErrLinkCodeUnknown) {
				t.Errorf("err = %v, want ErrLinkCodeUnknown", err)
			}
		})
		t.Run("malformed and unknown codes are refused", func(t *testing.T) {
			for _, code := range []string{"", "nope", "x' OR '1'='1", string(make([]byte, 65))} {
				if _, err := db.UseLinkCode(ctx, code, 1, 1); !errors.Is(err, store.ErrLinkCodeUnknown) {
					t.Errorf("UseLinkCode(%q): err = %v, want ErrLinkCodeUnknown", code, err)
				}
			}
		})
		t.Run("relinking a Telegram account moves it to the new contact", func(t *testing.T) {
			lc, _ := db.IssueLinkCode(ctx, "boss")
			if _, err := db.UseLinkCode(ctx, lc.Code, 100001, 100001); err != nil {
				t.Fatal(err)
			}
			if ct, _ := db.Contact(ctx, "zhang"); ct.ChatID != 0 || ct.TelegramUserID != 0 {
				t.Errorf("zhang still linked: %+v", ct)
			}
			if ct, _ := db.ContactByTelegramUser(ctx, 100001); ct == nil || ct.Key != "boss" {
				t.Errorf("user 100001 = %+v, want boss", ct)
			}
		})
	})
}
