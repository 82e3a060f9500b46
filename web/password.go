package web

import (
	"fmt"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"duban/domain"
)

// passwordCost is bcrypt's work factor; tests lower it.
var passwordCost = 12

// dummyHash is checked against when an account has no password, so that
// a failed sign-in takes as long whether or not the account exists.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("duban-no-such-account"), bcrypt.MinCost)

// HashPassword returns the bcrypt hash of a password of 8 characters to
// 72 bytes; a shorter or longer one is EINVALID.
func HashPassword(pw string) (string, error) {
	if utf8.RuneCountInString(pw) < 8 {
		return "", domain.Errorf(domain.EINVALID, "密码至少 8 个字符 (password: at least 8 characters)")
	}
	if len(pw) > 72 {
		return "", domain.Errorf(domain.EINVALID, "密码至多 72 字节 (password: at most 72 bytes)")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), passwordCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// CheckPassword reports whether pw matches hash.
func CheckPassword(hash, pw string) bool {
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}
