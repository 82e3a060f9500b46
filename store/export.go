package store

import (
	"context"
	"fmt"
	"time"

	"duban/dataset"
	"duban/domain"
)

// Export returns everything in the import format, in id order, with times
// in loc, so that export → import → export gives the same bytes.
func (db *DB) Export(ctx context.Context, loc *time.Location) (*dataset.Dataset, error) {
	ds := &dataset.Dataset{}
	var units []string
	if err := db.db.SelectContext(ctx, &units, `SELECT name FROM units ORDER BY id`); err != nil {
		return nil, fmt.Errorf("export units: %w", err)
	}
	for _, u := range units {
		ds.Units = append(ds.Units, dataset.Unit{Name: u})
	}
	var contacts []contactRow
	if err := db.db.SelectContext(ctx, &contacts, contactSelect+` ORDER BY ct.id`); err != nil {
		return nil, fmt.Errorf("export contacts: %w", err)
	}
	for _, c := range contacts {
		// Empty channels (the default, [telegram]) are left out.
		channels, _ := domain.ParseChannels(c.Channels)
		ds.Contacts = append(ds.Contacts, dataset.Contact{Key: c.Key, Name: c.Name, Unit: c.Unit, Role: c.Role,
			Phone: c.Phone, Email: c.Email, Channels: channels, TelegramChatID: c.ChatID, Language: c.Language})
	}
	sources, err := db.Sources(ctx)
	if err != nil {
		return nil, err
	}
	for _, s := range sources {
		ds.Sources = append(ds.Sources, dataset.Source{Key: s.Key, Kind: s.Kind, Number: s.Number, Title: s.Title,
			Session: s.Session, Deputies: s.Deputies, ReplyDocNo: s.ReplyDocNo, Classification: s.Classification,
			HandlingUnit: s.HandlingUnit, RepliedOn: s.RepliedOn.String(), Satisfaction: s.Satisfaction,
			SecondReplyOn: s.SecondReplyOn.String()})
	}
	err = db.List(ctx, Filter{}, func(c *domain.Commitment) error {
		ds.Commitments = append(ds.Commitments, ToDataset(c, loc))
		return nil
	})
	return ds, err
}

// ToDataset turns a commitment into its import-format record.
func ToDataset(c *domain.Commitment, loc *time.Location) dataset.Commitment {
	d := dataset.Commitment{Key: c.Key, Source: c.SourceKey, Title: c.Title, Detail: c.Detail, Category: c.Category,
		Unit: c.Unit, Owners: c.Owners, Due: c.Due.String(), DuePrecision: string(c.DuePrecision),
		Strength: string(c.Strength), Target: c.Target, TargetValue: c.TargetValue, TargetUnit: c.TargetUnit,
		LeadDays: c.LeadDays, Status: string(c.Status), CreatedAt: c.CreatedAt.In(loc).Format(time.RFC3339)}
	if d.Owners == nil {
		d.Owners = []string{}
	}
	if c.Progress != 0 {
		p := c.Progress
		d.Progress = &p
	}
	if c.ClosedAt != nil {
		d.ClosedAt = c.ClosedAt.In(loc).Format(time.RFC3339)
	}
	return d
}
