package notify

import (
	"net/url"
	"strings"
)

// secretParams are the query parameters that carry credentials in the
// webhook URLs duban is given: WeCom's key, DingTalk's access_token and
// the signature DingTalk's secret makes.
var secretParams = []string{"key", "access_token", "token", "sign", "secret", "password"}

// RedactURL returns u with the values of its credential query parameters
// (key, access_token, token, sign, secret, password) and the password of
// its user info replaced by "***", for logs and errors. Text that does not
// parse as a URL is returned with every such parameter value blanked as
// well as can be done by hand.
func RedactURL(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return redactQueryText(u)
	}
	if p.User != nil {
		if _, ok := p.User.Password(); ok {
			p.User = url.UserPassword(p.User.Username(), "***")
		}
	}
	if p.RawQuery != "" {
		p.RawQuery = redactQueryText(p.RawQuery)
	}
	return p.String()
}

// redactQueryText blanks the values of secretParams in s, a query or
// anything holding one, keeping the rest of s as it is.
func redactQueryText(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		i := strings.IndexAny(s, "?&;")
		seg := s
		if i >= 0 {
			seg = s[:i]
		}
		if name, _, ok := strings.Cut(seg, "="); ok && isSecretParam(name) {
			b.WriteString(name + "=***")
		} else {
			b.WriteString(seg)
		}
		if i < 0 {
			break
		}
		b.WriteByte(s[i])
		s = s[i+1:]
	}
	return b.String()
}

func isSecretParam(name string) bool {
	// The name may be preceded by the rest of a URL ("send?key").
	if k := strings.LastIndexAny(name, "?/ "); k >= 0 {
		name = name[k+1:]
	}
	n, err := url.QueryUnescape(name)
	if err != nil {
		n = name
	}
	for _, p := range secretParams {
		if strings.EqualFold(n, p) {
			return true
		}
	}
	return false
}

// redactSecrets returns err with every secret taken out of its message
// (see redactError), and a *url.Error's URL passed through RedactURL.
func redactSecrets(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	if ue, ok := err.(*url.Error); ok {
		err = &url.Error{Op: ue.Op, URL: RedactURL(ue.URL), Err: ue.Err}
	}
	for _, s := range secrets {
		err = redactError(err, s)
	}
	return err
}
