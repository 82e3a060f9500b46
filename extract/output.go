package extract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"duban/dataset"
)

// The wire types are the Result in the import format: the source and the
// commitments are dataset's own records, so what extract writes is what
// import reads; dates become YYYY-MM-DD strings, the source the one entry of
// "sources".

type wireLetter struct {
	Letterhead     string   `json:"letterhead,omitempty" yaml:"letterhead,omitempty"`
	Contact        string   `json:"contact,omitempty" yaml:"contact,omitempty"`
	ContactPhone   string   `json:"contact_phone,omitempty" yaml:"contact_phone,omitempty"`
	CopyTo         []string `json:"copy_to,omitempty" yaml:"copy_to,omitempty,flow"`
	DeputyCount    int      `json:"deputy_count,omitempty" yaml:"deputy_count,omitempty"`
	DateFrom       string   `json:"date_from,omitempty" yaml:"date_from,omitempty"`
	FormSignedOn   string   `json:"form_signed_on,omitempty" yaml:"form_signed_on,omitempty"`
	LatestReported string   `json:"latest_reported,omitempty" yaml:"latest_reported,omitempty"`
	Review         string   `json:"review,omitempty" yaml:"review,omitempty"`
}

type wire struct {
	Sources     []dataset.Source     `json:"sources" yaml:"sources"`
	Commitments []dataset.Commitment `json:"commitments" yaml:"commitments"`
	Undated     []Undated            `json:"undated" yaml:"undated"`
	Letter      wireLetter           `json:"letter" yaml:"letter"`
}

func (r *Result) wire() wire {
	s := r.Source
	w := wire{
		Sources: []dataset.Source{{
			Key: s.Key, Kind: s.Kind, Number: s.Number, Title: s.Title, Session: s.Session,
			Deputies: s.Deputies, ReplyDocNo: s.ReplyDocNo, Classification: s.Classification,
			HandlingUnit: s.HandlingUnit, RepliedOn: s.RepliedOn.String(), Satisfaction: s.Satisfaction,
		}},
		Commitments: make([]dataset.Commitment, 0, len(r.Commitments)),
		Undated:     r.Undated,
		Letter: wireLetter{
			Letterhead: r.Letter.Letterhead, Contact: r.Letter.Contact, ContactPhone: r.Letter.ContactPhone,
			CopyTo: r.Letter.CopyTo, DeputyCount: r.Letter.DeputyCount, DateFrom: r.Letter.DateFrom,
			FormSignedOn: r.Letter.FormSignedOn.String(), LatestReported: r.Letter.LatestReported.String(),
			Review: r.Letter.Review,
		},
	}
	if w.Undated == nil {
		w.Undated = []Undated{}
	}
	for _, c := range r.Commitments {
		owners := c.Owners
		if owners == nil {
			owners = []string{}
		}
		w.Commitments = append(w.Commitments, dataset.Commitment{
			Key: c.Key, Source: c.Source, Title: c.Title, Detail: c.Detail, Category: c.Category,
			Unit: c.Unit, Owners: owners, Due: c.Due.String(), DuePrecision: string(c.DuePrecision),
			Strength: string(c.Strength), Target: c.Target, TargetValue: c.TargetValue,
			TargetUnit: c.TargetUnit, Status: string(c.Status), Quote: c.Quote, Review: c.Review,
		})
	}
	return w
}

// MarshalJSON writes r in the import format.
func (r *Result) MarshalJSON() ([]byte, error) { return json.Marshal(r.wire()) }

// JSON returns r in the import format as indented JSON, each commitment
// and undated entry with its quote.
func (r *Result) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(r.wire(), "", "  ")
	if err != nil {
		return nil, fmt.Errorf("extract json: %w", err)
	}
	return append(b, '\n'), nil
}

// MarshalYAML returns r in the import format as a YAML node, with each
// commitment's quote as a comment above it.
func (r *Result) MarshalYAML() (any, error) { return r.node() }

// YAML returns r in the import format: sources, commitments, undated and
// letter, each commitment's quote as a comment line above it and in its
// quote field, dates unquoted as in the import format's example.
func (r *Result) YAML() ([]byte, error) {
	n, err := r.node()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return nil, fmt.Errorf("extract yaml: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("extract yaml: %w", err)
	}
	return buf.Bytes(), nil
}

// dateKeys are the keys whose values are dates; they are written plain
// (due: 2024-06-30), which yaml.v3 reads back as the same string.
var dateKeys = map[string]bool{"due": true, "replied_on": true, "form_signed_on": true, "latest_reported": true}

func (r *Result) node() (*yaml.Node, error) {
	var n yaml.Node
	if err := n.Encode(r.wire()); err != nil {
		return nil, fmt.Errorf("extract yaml: %w", err)
	}
	n.HeadComment = message(msgHeader, r.lang)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "commitments":
			for j, item := range v.Content {
				if j < len(r.Commitments) {
					item.HeadComment = comment(r.Commitments[j].Quote)
				}
			}
		case "sources":
			if r.Letter.Review != "" && len(v.Content) > 0 {
				v.Content[0].HeadComment = comment(message(msgReviewPrefix, r.lang) + r.Letter.Review)
			}
		}
	}
	plainDates(&n)
	return &n, nil
}

// comment makes one comment line of s.
func comment(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func plainDates(n *yaml.Node) {
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if dateKeys[k.Value] && v.Kind == yaml.ScalarNode && v.Value != "" {
				v.Tag, v.Style = "", 0
			}
		}
	}
	for _, c := range n.Content {
		plainDates(c)
	}
}
