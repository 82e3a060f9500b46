-- +goose Up
-- Channels beyond Telegram (SPEC §14). A row's channel is, before it is
-- sent, how it is to be routed ('' Telegram as always; 'auto' by its
-- contact's channels in order; 'email', 'wecom', 'dingtalk' a copy for the
-- supervision office on that channel), and once sent, the channel that
-- carried it. address is the e-mail address of an office copy. A contact's
-- e-mail refused by the server is recorded apart from Telegram's
-- unreachable flag: one channel failing leaves the others.
ALTER TABLE notifications ADD COLUMN channel TEXT NOT NULL DEFAULT '';
ALTER TABLE notifications ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN email_unreachable_why TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE contacts DROP COLUMN email_unreachable_why;
ALTER TABLE notifications DROP COLUMN address;
ALTER TABLE notifications DROP COLUMN channel;
