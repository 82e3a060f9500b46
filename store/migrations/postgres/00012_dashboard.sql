-- +goose Up
-- The dashboard's figures are a scan of every commitment; they are kept
-- (in the process that computed them) until a commitment's status, due
-- date, unit or closing changes. A sequence counts those statements: it
-- takes no row lock, so writers do not queue on it, and a rolled-back
-- change only costs one recomputation. The scan's own writes
-- (next_remind_at) do not count.
CREATE SEQUENCE commitments_changed;

-- +goose StatementBegin
CREATE FUNCTION commitments_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval('commitments_changed');
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER commitments_changed AFTER INSERT OR DELETE OR UPDATE OF status, due, unit_id, closed_at, last_progress_at
    ON commitments FOR EACH STATEMENT EXECUTE FUNCTION commitments_changed();

-- +goose Down
DROP TRIGGER commitments_changed ON commitments;
DROP FUNCTION commitments_changed();
DROP SEQUENCE commitments_changed;
