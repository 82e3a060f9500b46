package notify

import (
	"errors"
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

// redactSecrets returns err with every secret, raw or URL-escaped, taken
// out of its message, a *url.Error's URL passed through RedactURL, and any
// credential parameter left in the text blanked. A *url.Error is copied
// with its URL cleaned, so errors.As and Timeout keep working; an error
// whose text still leaks is replaced by one that only reports the cleaned
// text.
func redactSecrets(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	if ue, ok := err.(*url.Error); ok {
		u := RedactURL(ue.URL)
		for _, s := range secrets {
			u = maskSecret(u, s)
		}
		err = &url.Error{Op: ue.Op, URL: u, Err: ue.Err}
	}
	msg := err.Error()
	clean := redactQueryText(msg)
	for _, s := range secrets {
		clean = maskSecret(clean, s)
	}
	if clean == msg {
		return err
	}
	return &hiddenError{msg: clean, orig: err}
}

// maskSecret replaces secret in s, raw or URL-escaped, with "***". An
// empty secret leaves s as it is.
func maskSecret(s, secret string) string {
	if secret == "" {
		return s
	}
	for _, f := range []string{secret, url.PathEscape(secret), url.QueryEscape(secret)} {
		s = strings.ReplaceAll(s, f, "***")
	}
	return s
}

// hiddenError stands for an error whose message held a secret. It answers
// errors.Is for its original but does not unwrap to it, so the secret
// cannot be reached through the chain.
type hiddenError struct {
	msg  string
	orig error
}

func (e *hiddenError) Error() string        { return e.msg }
func (e *hiddenError) Is(target error) bool { return errors.Is(e.orig, target) }
