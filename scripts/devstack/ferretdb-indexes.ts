import type { Client } from 'pg';
import mongoose from 'mongoose';
import { createModels } from '../../infra/models';

/**
 * FerretDB 1.24 on PostgreSQL turns an equality filter into
 * `_jsonb->'field' @> '"value"'` (with the field name a parameter), which the
 * btree indexes it builds for `createIndex` cannot serve (FerretDB issue
 * #4646): every query but its own update by `_id` reads the whole table. A GIN
 * index on the expression `(_jsonb->'field')` serves it. These are the fields
 * that lead an index the models declare (what MongoDB serves with that
 * index), and `_id`; sorts and ranges are not pushed down by FerretDB 1.24,
 * so the later keys of a compound index would not be used.
 */
export function expressionIndexFields(): Record<string, string[]> {
  // Models bound to a connection that never opens: only their schemas are read.
  const models = createModels(mongoose.createConnection());
  const fields: Record<string, string[]> = {};
  for (const model of Object.values(models)) {
    // A date leads the indexes of newest-first lists, which FerretDB serves by sorting what the equalities
    // select: nothing compares a date by equality, so a GIN index on one would only slow every insert.
    const leading = model.schema
      .indexes()
      .map(([keys]) => Object.keys(keys)[0] as string)
      .filter((field) => model.schema.paths[field]?.instance !== 'Date');
    fields[model.collection.collectionName] = [...new Set(['_id', ...leading])];
  }
  return fields;
}

/**
 * A function that indexes one FerretDB table, and an event trigger that calls
 * it for every table FerretDB creates and every index created on one: each
 * test file and bench scenario uses a database of its own, whose tables
 * appear at its first insert. FerretDB names a table after its collection
 * (lowercased, `_` for other characters) and a hash: `deliveries_1a2b3c4d`.
 * Idempotent: run at every start, it also indexes the tables made before (and
 * the fields a model gained since).
 *
 * The function also empties the non-unique btree indexes FerretDB builds for
 * the models' indexes (mongoose's createIndexes): it makes each again, under
 * the same name, as a partial index `WHERE false`. No FerretDB query can use
 * them (see above), yet every insert paid for them: a delivery's record
 * updates ten on `deliveries`. Emptied, they cut the store's CPU per recorded
 * delivery by a fifth (200-record inserts into two databases side by side,
 * one with them whole: 0.25 against 0.20 ms). Emptied rather than dropped, FerretDB's list of indexes stays true
 * (listIndexes, dropIndex); MongoDB builds them all, for the queries they serve there.
 * Unique indexes stay whole: they are constraints.
 */
export async function installExpressionIndexes(client: Client, fields: Record<string, string[]>): Promise<void> {
  const byTable = Object.fromEntries(
    Object.entries(fields).map(([collection, list]) => [collection.toLowerCase().replace(/[^a-z0-9_]/g, '_'), list]),
  );
  await client.query(`
    CREATE OR REPLACE FUNCTION hookflow_ferretdb_wanted_fields(table_name text) RETURNS jsonb
    LANGUAGE sql IMMUTABLE AS $body$
      SELECT ${client.escapeLiteral(JSON.stringify(byTable))}::jsonb -> substring(table_name FROM '^(.*)_[0-9a-f]{8}$')
    $body$;

    CREATE OR REPLACE FUNCTION hookflow_empty_ferretdb_btree(index_oid oid) RETURNS void
    LANGUAGE plpgsql AS $body$
    DECLARE
      btree record;
    BEGIN
      SELECT nspname AS schema_name, index_class.relname AS name, pg_get_indexdef(index_oid) AS definition
      INTO btree
      FROM pg_index
      JOIN pg_class index_class ON index_class.oid = pg_index.indexrelid
      JOIN pg_class table_class ON table_class.oid = pg_index.indrelid
      JOIN pg_namespace ON pg_namespace.oid = index_class.relnamespace
      JOIN pg_am ON pg_am.oid = index_class.relam
      WHERE pg_index.indexrelid = index_oid
        AND pg_am.amname = 'btree' AND NOT pg_index.indisunique AND pg_index.indpred IS NULL
        AND hookflow_ferretdb_wanted_fields(table_class.relname) IS NOT NULL;
      IF NOT FOUND THEN RETURN; END IF;
      EXECUTE format('DROP INDEX %I.%I', btree.schema_name, btree.name);
      EXECUTE btree.definition || ' WHERE false';
    END $body$;

    CREATE OR REPLACE FUNCTION hookflow_index_ferretdb_table(schema_name text, table_name text) RETURNS void
    LANGUAGE plpgsql AS $body$
    DECLARE
      wanted jsonb := hookflow_ferretdb_wanted_fields(table_name);
      field text;
      index_name text;
    BEGIN
      IF wanted IS NULL THEN RETURN; END IF;
      FOR field IN SELECT jsonb_array_elements_text(wanted) LOOP
        index_name := left(table_name, 40) || '_' || left(regexp_replace(field, '[^a-zA-Z0-9]', '', 'g'), 16) || '_gin';
        EXECUTE format(
          'CREATE INDEX IF NOT EXISTS %I ON %I.%I USING gin ((_jsonb -> %L) jsonb_path_ops)',
          index_name, schema_name, table_name, field);
        -- Without GIN's pending list: every lookup reads the whole list until a vacuum merges it. Right after
        -- 300,000 inserts a delivery by id cost 12.2 ms of server CPU, 1.2 ms once vacuumed (npm run bench -- scale).
        EXECUTE format('ALTER INDEX %I.%I SET (fastupdate = off)', schema_name, index_name);
      END LOOP;
      PERFORM hookflow_empty_ferretdb_btree(indexrelid)
      FROM pg_index WHERE indrelid = format('%I.%I', schema_name, table_name)::regclass;
    END $body$;

    CREATE OR REPLACE FUNCTION hookflow_index_new_ferretdb_table() RETURNS event_trigger
    LANGUAGE plpgsql AS $body$
    DECLARE
      created record;
    BEGIN
      FOR created IN SELECT * FROM pg_event_trigger_ddl_commands() LOOP
        IF created.command_tag = 'CREATE INDEX' THEN
          PERFORM hookflow_empty_ferretdb_btree(created.objid);
        ELSIF created.command_tag = 'CREATE TABLE' THEN
          PERFORM hookflow_index_ferretdb_table(
            (SELECT nspname FROM pg_namespace n JOIN pg_class c ON c.relnamespace = n.oid WHERE c.oid = created.objid),
            (SELECT relname FROM pg_class WHERE oid = created.objid));
        END IF;
      END LOOP;
    END $body$;

    DROP EVENT TRIGGER IF EXISTS hookflow_index_new_ferretdb_tables;
    CREATE EVENT TRIGGER hookflow_index_new_ferretdb_tables ON ddl_command_end
      WHEN TAG IN ('CREATE TABLE', 'CREATE INDEX') EXECUTE FUNCTION hookflow_index_new_ferretdb_table();
  `);
  await client.query(`
    SELECT hookflow_index_ferretdb_table(table_schema, table_name)
    FROM information_schema.columns WHERE column_name = '_jsonb' AND table_schema NOT IN ('pg_catalog', 'information_schema')
  `);
}
