// Package workflow holds the rules of 督办 (SPEC §11) in one place: who may
// change a commitment (role and scope), which moves are legal, and which
// notifications each change causes. Every front end — the Telegram bot, the
// command line, the web workspace and signed links — parses its input,
// calls one Service method per use case, and renders the Outcome or the
// domain error. Each use case is one store transaction that writes the
// change, its history row (actor, channel, Telegram update id or web
// session) and the outbox rows it causes.
package workflow
