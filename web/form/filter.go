package form

import (
	"net/url"
	"strconv"
	"strings"

	"duban/domain"
	"duban/store"
)

// PageSize is how many rows a register page shows.
const PageSize = 50

// Filter is the register's query string: filters, search, sort and the
// cursor of the page.
type Filter struct {
	Unit, Owner, Status, Light, Source, Class string
	DueFrom, DueTo                            string
	Q                                         string
	Sort                                      string
	// After is the cursor: "VALUE~ID" of the previous page's last row.
	After string
}

// Sorts lists the register's orders, the default first.
var Sorts = []string{store.SortIDDesc, store.SortIDAsc, store.SortDueAsc, store.SortDueDesc, store.SortUpdatedDesc}

// ParseFilter reads a register query string. Unknown values are errors
// naming the parameter, so that a bad link says what is wrong.
func ParseFilter(v url.Values) (Filter, error) {
	f := Filter{Unit: v.Get("unit"), Owner: v.Get("owner"), Status: v.Get("status"), Light: v.Get("light"),
		Source: v.Get("source"), Class: v.Get("class"), DueFrom: v.Get("due_from"), DueTo: v.Get("due_to"),
		Sort: v.Get("sort"), After: v.Get("after")}
	var err error
	if f.Q, err = text("q", v.Get("q"), 200); err != nil {
		return f, err
	}
	if f.Status != "" {
		if _, err := domain.ParseStatus(f.Status); err != nil {
			return f, invalid("status", err.Error())
		}
	}
	if f.Light != "" {
		if _, ok := domain.ParseLight(f.Light); !ok {
			return f, invalid("light", "unknown light")
		}
	}
	if f.Sort == "" {
		f.Sort = store.SortIDDesc
	}
	ok := false
	for _, s := range Sorts {
		ok = ok || s == f.Sort
	}
	if !ok {
		return f, invalid("sort", "unknown order")
	}
	if _, err := date("due_from", f.DueFrom); err != nil {
		return f, err
	}
	if _, err := date("due_to", f.DueTo); err != nil {
		return f, err
	}
	if f.After != "" {
		if _, _, err := splitCursor(f.After); err != nil {
			return f, err
		}
	}
	return f, nil
}

func splitCursor(c string) (string, int64, error) {
	i := strings.LastIndexByte(c, '~')
	if i < 0 {
		return "", 0, invalid("after", "bad cursor")
	}
	id, err := strconv.ParseInt(c[i+1:], 10, 64)
	if err != nil || id <= 0 {
		return "", 0, invalid("after", "bad cursor")
	}
	return c[:i], id, nil
}

// Cursor is the After value that follows a row.
func Cursor(r *store.RegisterRow) string {
	return r.CursorValue + "~" + strconv.FormatInt(r.ID, 10)
}

// Query is the store query of f. Today and WarnDays are filled by the
// caller; so is the scope.
func (f Filter) Query() store.RegisterQuery {
	q := store.RegisterQuery{Unit: f.Unit, Owner: f.Owner, SourceKey: f.Source, Classification: f.Class, Search: f.Q, Sort: f.Sort}
	if f.Status != "" {
		q.Statuses = []domain.Status{domain.Status(f.Status)}
	}
	if f.Light != "" {
		q.Lights = []domain.Light{domain.Light(f.Light)}
	}
	q.DueFrom, _ = date("due_from", f.DueFrom)
	q.DueTo, _ = date("due_to", f.DueTo)
	if f.After != "" {
		q.AfterValue, q.AfterID, _ = splitCursor(f.After)
	}
	return q
}

// Values encodes f, without the cursor, for links (next page, exports).
func (f Filter) Values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"unit": f.Unit, "owner": f.Owner, "status": f.Status, "light": f.Light,
		"source": f.Source, "class": f.Class, "due_from": f.DueFrom, "due_to": f.DueTo, "q": f.Q} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if f.Sort != store.SortIDDesc {
		v.Set("sort", f.Sort)
	}
	return v
}
