import { notificationChannel } from '../event-store/append-notifications';
import { LOCK_CLASS } from '../runtime/advisory-locks';
import type { Migration } from './migration';
import { type SchemaName, sqlLiteral } from './schema-name';

/**
 * Version 2: `ordo_append` again, same signature, answers and rules (the idempotency rule
 * (a)-(d) as stated on migration 1), with less work per call. It replaces the function of
 * migration 1, so the rules keep one implementation: this one. What changed, and the
 * measurements behind it, are in the package README ("Where a lone append spends its time"):
 *
 * - One event (a lone single-event append, the common call of a single writer): the optimistic
 *   insert of pass 1 is `INSERT ... ON CONFLICT (event_id) DO NOTHING` instead of an INSERT in a
 *   subtransaction. Entering a PL/pgSQL block with an EXCEPTION clause starts a subtransaction,
 *   and one that writes takes a subtransaction id; for a single row that cost more than the
 *   INSERT it guarded. A row not inserted means the id is stored: pass 2 decides, as before.
 *   Calls with more events keep the subtransaction, which costs once per call, whereas the
 *   arbiter's check costs once per row.
 * - One stream: its version is read with a plain index look-up instead of an aggregate over
 *   `unnest`.
 * - The loop over appends runs fewer statements on the common path (expectation holds, no stored
 *   id); a stream is dirty when its version moved, so there is no separate flag array; and a
 *   group answers its rows with one query instead of one RETURN NEXT per append.
 */
const leanAppend = (s: SchemaName): string => {
  const q = s.quoted;
  const seq = sqlLiteral(`${s.name}.ordo_global_position`);
  return `
CREATE OR REPLACE FUNCTION ${q}.ordo_append(
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
-- As in migration 1: every look-up is by a unique key; a generic plan made once per connection
-- must not depend on how big the tables were then.
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
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION 'ordo: appends need READ COMMITTED isolation, the transaction runs %',
      current_setting('transaction_isolation') USING ERRCODE = '25000';
  END IF;
  IF n_events = 0 OR n_apps = 0
     OR cardinality(p_app_expected) <> n_apps OR cardinality(p_app_count) <> n_apps
     OR cardinality(p_event_app) <> n_events OR cardinality(p_types) <> n_events
     OR cardinality(p_tenants) <> n_events
     OR jsonb_typeof(p_data) IS DISTINCT FROM 'array' OR jsonb_array_length(p_data) <> n_events
     OR jsonb_typeof(p_metadata) IS DISTINCT FROM 'array' OR jsonb_array_length(p_metadata) <> n_events THEN
    RAISE EXCEPTION 'ordo_append: inconsistent argument arrays' USING ERRCODE = '22023';
  END IF;

  PERFORM pg_advisory_xact_lock(${LOCK_CLASS.append}, hashtext(${sqlLiteral(s.name)}));

  -- Current versions of the call's streams. A new statement, so a new snapshot: it sees
  -- everything the previous lock holder committed.
  IF cardinality(p_streams) = 1 THEN
    SELECT st.version INTO v_cur FROM ${q}.ordo_streams st WHERE st.stream_id = p_streams[1];
    v_ver0 := ARRAY[coalesce(v_cur, -1)];
  ELSE
    SELECT array_agg(coalesce(st.version, -1) ORDER BY u.ord) INTO v_ver0
      FROM unnest(p_streams) WITH ORDINALITY AS u(id, ord)
      LEFT JOIN ${q}.ordo_streams st ON st.stream_id = u.id;
  END IF;
  -- Pass 1 assumes no stored id (v_known false); pass 2, after a unique violation, knows the
  -- appends holding stored ids (v_dup_apps).
  LOOP
    v_ver := v_ver0;
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
      -- Every statement here runs once per append: the common path (d) reads its inputs in
      -- place rather than copying them into variables first.
      v_cur := v_ver[p_app_stream[i]];
      v_cnt := p_app_count[i];
      v_first[i] := v_ord;
      -- Expected -1 matches v_cur = -1 through expected = v_cur.
      v_ok := coalesce(p_app_expected[i] = -2 OR p_app_expected[i] = v_cur
                       OR (p_app_expected[i] = -3 AND v_cur >= 0), false);
      IF v_ok AND NOT coalesce(v_known AND i = ANY(v_dup_apps), false) THEN
        -- (d)
        v_base[i] := v_cur + 1;
        v_posoff[i] := v_accepted;
        v_accepted := v_accepted + v_cnt;
        v_ver[p_app_stream[i]] := v_cur + v_cnt;
      ELSE
        -- (a) an idempotent retry?
        v_s := p_app_stream[i];
        v_exp := p_app_expected[i];
        v_done := false;
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
        IF v_done THEN
          NULL;
        ELSIF NOT v_ok THEN
          -- (b)
          v_status[i] := 2;
          v_actual[i] := v_cur;
        ELSE
          -- (c): the expectation holds, so this append holds a stored id.
          v_status[i] := 3;
          SELECT u.id INTO v_dup_id
            FROM unnest(p_event_ids[v_ord:v_ord + v_cnt - 1]) WITH ORDINALITY AS u(id, k)
            JOIN ${q}.ordo_events ev ON ev.event_id = u.id
           ORDER BY u.k LIMIT 1;
          v_detail[i] := v_dup_id;
        END IF;
      END IF;
      v_ord := v_ord + v_cnt;
    END LOOP;
    IF v_ord <> n_events + 1 OR cardinality(v_ver) IS DISTINCT FROM cardinality(p_streams) THEN
      RAISE EXCEPTION 'ordo_append: inconsistent argument arrays' USING ERRCODE = '22023';
    END IF;
    EXIT WHEN v_accepted = 0;

    -- Reserve a block of positions; only lock holders draw from this sequence.
    v_start := nextval(${seq});
    IF v_accepted > 1 THEN
      PERFORM setval(${seq}, v_start + v_accepted - 1);
    END IF;
    IF n_events = 1 AND n_apps = 1 THEN
      -- One event (v_accepted > 0: it is to be written): the same optimistic insert, with the
      -- unique index on event_id as the arbiter instead of a subtransaction. Pass 2 never gets
      -- here (its only append holds the stored id, so it writes nothing).
      INSERT INTO ${q}.ordo_events
             (global_position, stream_id, stream_version, event_id, event_type, tenant_id, data, metadata)
      VALUES (v_start, p_streams[1], v_base[1], p_event_ids[1], p_types[1], p_tenants[1], p_data -> 0, p_metadata -> 0)
      ON CONFLICT (event_id) DO NOTHING;
      IF FOUND THEN
        v_written := true;
      ELSE
        -- The id is stored: nothing was written. Hand the position back, decide again knowing it.
        PERFORM setval(${seq}, v_start, false);
        v_dup_apps := ARRAY[1];
        v_known := true;
      END IF;
    ELSE
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
        -- Nothing of this INSERT remains. Hand the reserved block back (nobody else draws while
        -- we hold the lock), so that pass 2 leaves no hole in the positions.
        PERFORM setval(${seq}, v_start, false);
        SELECT array_agg(DISTINCT u.app) INTO v_dup_apps
          FROM unnest(p_event_ids, p_event_app) AS u(id, app)
          JOIN ${q}.ordo_events ev ON ev.event_id = u.id;
        v_known := true;
      END;
    END IF;
    EXIT WHEN v_written;
  END LOOP;

  IF v_written THEN
    -- A stream whose version moved was written to.
    INSERT INTO ${q}.ordo_streams AS st (stream_id, version)
    SELECT p_streams[k], v_ver[k] FROM generate_subscripts(p_streams, 1) AS k WHERE v_ver[k] <> v_ver0[k]
    ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version;
    PERFORM pg_notify(${sqlLiteral(notificationChannel(s))}, (v_start + v_accepted - 1)::text);
  END IF;

  IF n_apps = 1 THEN
    status := v_status[1];
    next_version := CASE WHEN v_status[1] = 0 THEN v_base[1] + p_app_count[1] - 1 ELSE v_next[1] END;
    last_position := CASE WHEN v_status[1] = 0 THEN v_start + p_app_count[1] - 1 ELSE v_pos[1] END;
    actual_version := v_actual[1];
    detail := v_detail[1];
    RETURN NEXT;
  ELSE
    RETURN QUERY
      SELECT v_status[k],
             CASE WHEN v_status[k] = 0 THEN v_base[k] + p_app_count[k] - 1 ELSE v_next[k] END,
             CASE WHEN v_status[k] = 0 THEN v_start + v_posoff[k] + p_app_count[k] - 1 ELSE v_pos[k] END,
             v_actual[k],
             v_detail[k]
        FROM generate_series(1, n_apps) AS k
       ORDER BY k;
  END IF;
END
$fn$;
`;
};

/** Version 2 of the event store: the leaner `ordo_append` (see {@link leanAppend}). */
export const leanAppendMigration: Migration = {
  version: 2,
  name: 'event store: ordo_append without a subtransaction for one event, fewer statements per append',
  sql: leanAppend,
};
