// Package channeltest has fakes of the channels beyond Telegram (SPEC §14)
// for tests: an SMTP server with STARTTLS and AUTH PLAIN, and the WeCom
// and DingTalk group robots' webhooks. Each speaks the real protocol's
// shapes and error codes, records what arrived, and takes its clock from
// the test, so rate limits are tested without sleeping.
package channeltest
