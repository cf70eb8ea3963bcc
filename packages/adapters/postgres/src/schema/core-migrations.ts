import { notificationChannel } from '../event-store/append-notifications';
import { LOCK_CLASS } from '../runtime/advisory-locks';
import { leanAppendMigration } from './lean-append-migration';
import type { Migration } from './migration';
import { type SchemaName, sqlLiteral } from './schema-name';

/**
 * Version 1: events, streams, the position sequence and the two write functions.
 *
 * Tables
 * - `ordo_events`: one row per event. `global_position` is the `$all` order, `stream_version` the
 *   revision inside the stream. `deleted` marks events of a soft-deleted stream (see below).
 * - `ordo_streams`: the current version of every live stream, the row the version checks read.
 *
 * Gap-free global order (why `readAll({ after })` never skips an event)
 * Positions come from a sequence, but only while the transaction holds the store's write lock
 * (`pg_advisory_xact_lock`, transaction-scoped), and that lock is held until COMMIT. PostgreSQL
 * makes a committing transaction visible (ProcArrayEndTransaction) *before* it releases its locks,
 * so the next writer can only draw positions after every smaller position is either committed and
 * visible or rolled back for good. Hence a reader that sees position p also sees every committed
 * position below p, and `WHERE global_position > $after ORDER BY global_position` can never step
 * over an event that commits later: positions increase strictly in commit order. Rolled-back
 * transactions leave holes in the numbering, which readers simply never see.
 *
 * Why this and not the alternatives: the `xid8` + `pg_snapshot_xmin` filter (Emmett) orders by
 * (transaction id, position), which is not monotone in position, so a single `bigint` checkpoint
 * (our port's `after`) can skip events; it needs a compound checkpoint. A high-water mark that
 * waits for gaps to settle (Marten) needs a timeout guess and a background daemon. A lock held to
 * COMMIT serialises writers, which is what caps Message DB; here it is taken once per *group* of
 * coalesced appends (group commit in the TypeScript writer), so one commit carries many appends
 * and the lock does not cap single-event throughput at the commit rate.
 *
 * Soft delete: `ordo_delete_stream` flags the stream's events `deleted` and drops its
 * `ordo_streams` row. Stream reads no longer see them; the stream id can be written again from
 * `no_stream` and restarts at revision 0; `$all` keeps them (history stays append-only, positions
 * never disappear), as EventStoreDB keeps soft-deleted events in `$all` until a scavenge.
 *
 * Migration 2 (`lean-append-migration.ts`) replaces `ordo_append` with a leaner body of the
 * same rules; the rules' comment below still describes it.
 */
const coreSchema = (s: SchemaName): string => {
  const q = s.quoted;
  const lock = `PERFORM pg_advisory_xact_lock(${LOCK_CLASS.append}, hashtext(${sqlLiteral(s.name)}));`;
  const isolationCheck = `IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION 'ordo: appends need READ COMMITTED isolation, the transaction runs %',
      current_setting('transaction_isolation') USING ERRCODE = '25000';
  END IF;`;
  return `
CREATE SEQUENCE ${q}.ordo_global_position AS bigint MINVALUE 1 START 1 CACHE 1;

CREATE TABLE ${q}.ordo_events (
  global_position bigint PRIMARY KEY,
  stream_id       text        NOT NULL,
  stream_version  bigint      NOT NULL CHECK (stream_version >= 0),
  event_id        text        NOT NULL,
  event_type      text        NOT NULL,
  tenant_id       text,
  data            jsonb       NOT NULL,
  metadata        jsonb       NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  deleted         boolean     NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX ordo_events_event_id_uq ON ${q}.ordo_events (event_id);
CREATE UNIQUE INDEX ordo_events_stream_uq ON ${q}.ordo_events (stream_id, stream_version) WHERE NOT deleted;
CREATE INDEX ordo_events_tenant_ix ON ${q}.ordo_events (tenant_id, global_position) WHERE tenant_id IS NOT NULL;

CREATE TABLE ${q}.ordo_streams (
  stream_id text   PRIMARY KEY,
  version   bigint NOT NULL CHECK (version >= 0)
);

-- Appends a group of appends in one call and answers one row per append, in input order:
--   status 0 written, 1 idempotent retry (nothing written), 2 wrong expected version
--   (actual_version = current version, -1 for no stream), 3 duplicate event id (detail = the id).
-- Expected versions: -1 no_stream, -2 any, -3 stream_exists, >= 0 exact.
-- Events arrive as parallel arrays in append order; p_event_app is the 1-based append of each
-- event and p_app_stream the 1-based index of each append's stream in p_streams. Data and
-- metadata come as two JSON arrays, one element per event: one jsonb value parses faster than a
-- jsonb[] literal of the same documents (whose every quote is escaped once more). Event ids must
-- not repeat across the appends of one call (the caller defers such an append to the next call).
-- Idempotency rule for an append of ids i0..in-1 with expectation x:
--   (a) i0 is in this stream at revision p, revisions p..p+n-1 carry exactly i0..in-1, and x held
--       before p (any; p-1; no_stream when p = 0; stream_exists when p > 0): success, nothing written;
--   (b) else x does not hold now: wrong expected version, with the current version;
--   (c) else an id exists anywhere in the store: duplicate event id;
--   (d) else write.
-- Which ids are already stored is usually "none", and the unique index on event_id finds out
-- anyway while the events are inserted; probing every id first would descend that index twice
-- per event (measured: about as long as the INSERT itself). So the first pass assumes no stored
-- id, except for appends whose expectation fails (only (a) can still save those: one probe of
-- i0), and inserts inside a subtransaction. A unique violation rolls that INSERT back; the second
-- pass then looks up which appends hold stored ids and decides again, exactly as above.
CREATE FUNCTION ${q}.ordo_append(
  p_streams      text[],
  p_app_stream   int[],
  p_app_expected bigint[],
  p_app_count    int[],
  p_event_ids    text[],
  p_event_app    int[],
  p_types        text[],
  p_tenants      text[],
  p_data         jsonb,
  p_metadata     jsonb
) RETURNS TABLE (status smallint, next_version bigint, last_position bigint, actual_version bigint, detail text)
LANGUAGE plpgsql VOLATILE
-- Every lookup here is by a unique key, and the right plan is an index nested loop whatever the
-- sizes. Custom plans would re-plan each statement on each call (the arrays differ every time);
-- a generic plan is made once per connection, so it must not depend on how big the tables were
-- then: without seq scans and hash or merge joins it cannot pick a plan that degrades as the
-- tables grow.
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
SET enable_hashjoin = off
SET enable_mergejoin = off
AS $fn$
DECLARE
  n_apps     int := coalesce(cardinality(p_app_stream), 0);
  n_events   int := coalesce(cardinality(p_event_ids), 0);
  v_ver0     bigint[];
  v_ver      bigint[];
  v_dirty    boolean[];
  v_status   smallint[];
  v_first    int[];
  v_base     bigint[];
  v_posoff   bigint[];
  v_next     bigint[];
  v_pos      bigint[];
  v_actual   bigint[];
  v_detail   text[];
  v_dup_apps int[];
  v_known    boolean := false;
  v_written  boolean := false;
  v_accepted bigint;
  v_start    bigint;
  v_ord      int;
  v_s        int;
  v_exp      bigint;
  v_cnt      int;
  v_cur      bigint;
  v_ok       boolean;
  v_p        bigint;
  v_matched  bigint;
  v_lastpos  bigint;
  v_done     boolean;
  v_dup_id   text;
BEGIN
  ${isolationCheck}
  IF n_events = 0 OR n_apps = 0
     OR cardinality(p_app_expected) <> n_apps OR cardinality(p_app_count) <> n_apps
     OR cardinality(p_event_app) <> n_events OR cardinality(p_types) <> n_events
     OR cardinality(p_tenants) <> n_events
     OR jsonb_typeof(p_data) IS DISTINCT FROM 'array' OR jsonb_array_length(p_data) <> n_events
     OR jsonb_typeof(p_metadata) IS DISTINCT FROM 'array' OR jsonb_array_length(p_metadata) <> n_events THEN
    RAISE EXCEPTION 'ordo_append: inconsistent argument arrays' USING ERRCODE = '22023';
  END IF;

  ${lock}

  -- Current versions of the group's streams. A new statement, so a new snapshot: it sees
  -- everything the previous lock holder committed.
  SELECT array_agg(coalesce(st.version, -1) ORDER BY u.ord) INTO v_ver0
    FROM unnest(p_streams) WITH ORDINALITY AS u(id, ord)
    LEFT JOIN ${q}.ordo_streams st ON st.stream_id = u.id;

  -- Pass 1 assumes no stored id (v_known false); pass 2, after a unique violation, knows the
  -- appends holding stored ids (v_dup_apps).
  LOOP
    v_ver := v_ver0;
    v_dirty := array_fill(false, ARRAY[cardinality(p_streams)]);
    v_status := array_fill(0::smallint, ARRAY[n_apps]);
    v_first := array_fill(0, ARRAY[n_apps]);
    v_base := array_fill(0::bigint, ARRAY[n_apps]);
    v_posoff := array_fill(0::bigint, ARRAY[n_apps]);
    v_next := array_fill(NULL::bigint, ARRAY[n_apps]);
    v_pos := array_fill(NULL::bigint, ARRAY[n_apps]);
    v_actual := array_fill(NULL::bigint, ARRAY[n_apps]);
    v_detail := array_fill(NULL::text, ARRAY[n_apps]);
    v_accepted := 0;
    v_ord := 1;
    FOR i IN 1..n_apps LOOP
      v_s := p_app_stream[i];
      v_exp := p_app_expected[i];
      v_cnt := p_app_count[i];
      v_cur := v_ver[v_s];
      -- v_exp = -1 matches v_cur = -1 through v_exp = v_cur.
      v_ok := v_exp = -2 OR v_exp = v_cur OR (v_exp = -3 AND v_cur >= 0);
      v_first[i] := v_ord;
      v_done := false;
      IF NOT v_ok OR (v_known AND i = ANY(v_dup_apps)) THEN
        -- (a) an idempotent retry?
        SELECT ev.stream_version INTO v_p
          FROM ${q}.ordo_events ev
         WHERE ev.event_id = p_event_ids[v_ord] AND ev.stream_id = p_streams[v_s] AND NOT ev.deleted;
        IF FOUND AND (v_exp = -2 OR v_exp = v_p - 1 OR (v_exp = -1 AND v_p = 0) OR (v_exp = -3 AND v_p > 0)) THEN
          SELECT count(*), max(ev.global_position) FILTER (WHERE ev.stream_version = v_p + v_cnt - 1)
            INTO v_matched, v_lastpos
            FROM generate_series(0, v_cnt - 1) AS k
            JOIN ${q}.ordo_events ev
              ON ev.stream_id = p_streams[v_s] AND NOT ev.deleted
             AND ev.stream_version = v_p + k AND ev.event_id = p_event_ids[v_ord + k];
          IF v_matched = v_cnt THEN
            v_status[i] := 1;
            v_next[i] := v_p + v_cnt - 1;
            v_pos[i] := v_lastpos;
            v_done := true;
          END IF;
        END IF;
      END IF;
      IF NOT v_done THEN
        IF NOT v_ok THEN
          -- (b)
          v_status[i] := 2;
          v_actual[i] := v_cur;
        ELSIF v_known AND i = ANY(v_dup_apps) THEN
          -- (c)
          v_status[i] := 3;
          SELECT u.id INTO v_dup_id
            FROM unnest(p_event_ids[v_ord:v_ord + v_cnt - 1]) WITH ORDINALITY AS u(id, k)
            JOIN ${q}.ordo_events ev ON ev.event_id = u.id
           ORDER BY u.k LIMIT 1;
          v_detail[i] := v_dup_id;
        ELSE
          -- (d)
          v_base[i] := v_cur + 1;
          v_posoff[i] := v_accepted;
          v_accepted := v_accepted + v_cnt;
          v_ver[v_s] := v_cur + v_cnt;
          v_dirty[v_s] := true;
          v_next[i] := v_cur + v_cnt;
        END IF;
      END IF;
      v_ord := v_ord + v_cnt;
    END LOOP;
    IF v_ord <> n_events + 1 OR cardinality(v_ver) IS DISTINCT FROM cardinality(p_streams) THEN
      RAISE EXCEPTION 'ordo_append: inconsistent argument arrays' USING ERRCODE = '22023';
    END IF;
    EXIT WHEN v_accepted = 0;

    -- Reserve a block of positions; only lock holders draw from this sequence.
    v_start := nextval('${s.name}.ordo_global_position');
    IF v_accepted > 1 THEN
      PERFORM setval('${s.name}.ordo_global_position', v_start + v_accepted - 1);
    END IF;
    BEGIN
      IF n_apps = 1 THEN
        -- A batch written alone (the usual big insert): the same rows without the per-row
        -- look-ups of the append each event belongs to.
        INSERT INTO ${q}.ordo_events
               (global_position, stream_id, stream_version, event_id, event_type, tenant_id, data, metadata)
        SELECT v_start + u.ord - 1, p_streams[1], v_base[1] + u.ord - 1, u.id, u.type, u.tenant, u.data, u.meta
          FROM ROWS FROM (unnest(p_event_ids), unnest(p_types), unnest(p_tenants),
                          jsonb_array_elements(p_data), jsonb_array_elements(p_metadata))
               WITH ORDINALITY AS u(id, type, tenant, data, meta, ord);
      ELSE
        INSERT INTO ${q}.ordo_events
               (global_position, stream_id, stream_version, event_id, event_type, tenant_id, data, metadata)
        SELECT v_start + v_posoff[u.app] + (u.ord - v_first[u.app]),
               p_streams[p_app_stream[u.app]],
               v_base[u.app] + (u.ord - v_first[u.app]),
               u.id, u.type, u.tenant, u.data, u.meta
          FROM ROWS FROM (unnest(p_event_ids), unnest(p_event_app), unnest(p_types), unnest(p_tenants),
                          jsonb_array_elements(p_data), jsonb_array_elements(p_metadata))
               WITH ORDINALITY AS u(id, app, type, tenant, data, meta, ord)
         WHERE v_status[u.app] = 0;
      END IF;
      v_written := true;
    EXCEPTION WHEN unique_violation THEN
      -- Pass 2 writes no append holding a stored id: a violation then is not ours to sort out.
      IF v_known THEN
        RAISE;
      END IF;
      -- Nothing of this INSERT remains. Hand the reserved block back (nobody else draws while we
      -- hold the lock), so that pass 2 leaves no hole in the positions.
      PERFORM setval('${s.name}.ordo_global_position', v_start, false);
      SELECT array_agg(DISTINCT u.app) INTO v_dup_apps
        FROM unnest(p_event_ids, p_event_app) AS u(id, app)
        JOIN ${q}.ordo_events ev ON ev.event_id = u.id;
      v_known := true;
    END;
    EXIT WHEN v_written;
  END LOOP;

  IF v_written THEN
    INSERT INTO ${q}.ordo_streams AS st (stream_id, version)
    SELECT p_streams[k], v_ver[k] FROM generate_subscripts(p_streams, 1) AS k WHERE v_dirty[k]
    ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version;
    PERFORM pg_notify(${sqlLiteral(notificationChannel(s))}, (v_start + v_accepted - 1)::text);
  END IF;

  FOR k IN 1..n_apps LOOP
    status := v_status[k];
    next_version := v_next[k];
    last_position := CASE WHEN v_status[k] = 0 THEN v_start + v_posoff[k] + p_app_count[k] - 1 ELSE v_pos[k] END;
    actual_version := v_actual[k];
    detail := v_detail[k];
    RETURN NEXT;
  END LOOP;
END
$fn$;

-- Soft-deletes a stream: status 0 deleted, 1 nothing to delete, 2 wrong expected version
-- (actual_version = current version, -1 for no stream). Expected versions as in ordo_append.
CREATE FUNCTION ${q}.ordo_delete_stream(p_stream text, p_expected bigint)
RETURNS TABLE (status smallint, actual_version bigint)
LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  v_cur bigint;
BEGIN
  ${isolationCheck}
  ${lock}
  SELECT st.version INTO v_cur FROM ${q}.ordo_streams st WHERE st.stream_id = p_stream;
  v_cur := coalesce(v_cur, -1);
  IF NOT (p_expected = -2 OR p_expected = v_cur OR (p_expected = -3 AND v_cur >= 0)) THEN
    RETURN QUERY SELECT 2::smallint, v_cur;
  ELSIF v_cur = -1 THEN
    RETURN QUERY SELECT 1::smallint, v_cur;
  ELSE
    UPDATE ${q}.ordo_events SET deleted = true WHERE stream_id = p_stream AND NOT deleted;
    DELETE FROM ${q}.ordo_streams WHERE stream_id = p_stream;
    RETURN QUERY SELECT 0::smallint, v_cur;
  END IF;
END
$fn$;
`;
};

/**
 * The event store's own migrations (versions 1-99): 1, then 2 (`ordo_append` replaced by a leaner
 * body of the same rules). `ordo_append` as it
 * runs today is the one of the highest version here.
 */
export const coreMigrations: ReadonlyArray<Migration> = [
  { version: 1, name: 'event store: events, streams, ordo_append, ordo_delete_stream', sql: coreSchema },
  leanAppendMigration,
];
