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

// redactQueryText blanks the values of secretParams in s, a query or a
// text holding a URL, keeping the rest of s as it is. A value ends at '&',
// ';', a quote, a bracket or white space.
func redactQueryText(s string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '=')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		name := s[:i]
		if k := strings.LastIndexAny(name, "?&;/\"' <>()\n\t"); k >= 0 {
			name = name[k+1:]
		}
		b.WriteString(s[:i+1])
		s = s[i+1:]
		end := strings.IndexAny(s, "&;\"' <>()\n\t")
		if end < 0 {
			end = len(s)
		}
		if isSecretParam(name) && end > 0 {
			b.WriteString("***")
			s = s[end:]
		}
	}
}

func isSecretParam(name string) bool {
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
// (see redactError), and a *url.Error's URL passed through RedactURL. A
// credential parameter left in the text of a wrapped error is blanked too,
// at the cost of the error chain.
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
	if msg := err.Error(); redactQueryText(msg) != msg {
		err = &redactedError{msg: redactQueryText(msg), orig: err}
	}
	return err
}
