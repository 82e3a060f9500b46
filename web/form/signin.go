package form

import (
	"net/url"
	"strings"
)

// SignIn is the password sign-in form.
type SignIn struct {
	Key, Password, Next string
}

// ParseSignIn reads the sign-in form.
func ParseSignIn(v url.Values) (SignIn, error) {
	f := SignIn{Key: strings.TrimSpace(v.Get("key")), Password: v.Get("password"), Next: v.Get("next")}
	if f.Key == "" || len(f.Key) > 100 {
		return f, invalid("key", "missing")
	}
	// bcrypt reads at most 72 bytes; a longer password is refused rather
	// than silently cut.
	if f.Password == "" || len(f.Password) > 72 {
		return f, invalid("password", "want 1 to 72 bytes")
	}
	return f, nil
}
