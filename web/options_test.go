package web

func (e *env) options(base string) Options {
	return Options{DB: e.db, BaseURL: base, Loc: mustShanghai(), WarnDays: 7, LeadDays: []int{30, 7, 3, 1},
		Scheme: []string{"A1", "A2", "A3", "B1", "B2", "C1", "C2"}, EvidenceDir: e.t.TempDir(), Now: e.clock.Now}
}
