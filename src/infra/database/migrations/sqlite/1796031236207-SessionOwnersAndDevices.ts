import { MigrationInterface, QueryRunner } from 'typeorm';
import { BATCH_SIZE, newHandle, ownerOf } from '../session-owners';

/**
 * Sessions know their user and device: user_id, a public handle, created_at, last_seen_at, ip
 * and user_agent. SQLite cannot add NOT NULL columns to a table, so the table is rebuilt, as
 * TypeORM generates it; the copy keeps the live signed-in sessions, each with its user from its
 * JSON, a random handle, and now as its start and latest request (their real values were never
 * recorded; ip and user_agent stay empty). Expired and anonymous sessions are left behind: no
 * signed-out visitor has a session any more.
 */
export class SessionOwnersAndDevices1796031236207 implements MigrationInterface {
  name = 'SessionOwnersAndDevices1796031236207';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const now = Date.now();
    await queryRunner.query(`DROP INDEX "IDX_sessions_expires_at"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_sessions" ("id" varchar(128) PRIMARY KEY NOT NULL, "expires_at" bigint NOT NULL, "data" text NOT NULL, "user_id" integer, "handle" varchar(32) NOT NULL, "created_at" bigint NOT NULL, "last_seen_at" bigint NOT NULL, "ip" varchar(64), "user_agent" varchar(512))`,
    );
    let after = '';
    for (;;) {
      const rows = (await queryRunner.query(
        `SELECT "id", "expires_at", "data" FROM "sessions" WHERE "id" > ? AND "expires_at" > ? ORDER BY "id" LIMIT ?`,
        [after, now, BATCH_SIZE],
      )) as { id: string; expires_at: number; data: string }[];
      if (rows.length === 0) {
        break;
      }
      after = rows[rows.length - 1].id;
      const kept = rows.flatMap((row) => {
        const userId = ownerOf(row.data);
        return userId === null
          ? []
          : [[row.id, row.expires_at, row.data, userId, newHandle(), now, now]];
      });
      if (kept.length > 0) {
        await queryRunner.query(
          `INSERT INTO "temporary_sessions"("id", "expires_at", "data", "user_id", "handle", "created_at", "last_seen_at") VALUES ${kept.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
          kept.flat(),
        );
      }
    }
    await queryRunner.query(`DROP TABLE "sessions"`);
    await queryRunner.query(`ALTER TABLE "temporary_sessions" RENAME TO "sessions"`);
    await queryRunner.query(`CREATE INDEX "IDX_sessions_expires_at" ON "sessions" ("expires_at") `);
    await queryRunner.query(`CREATE INDEX "IDX_sessions_user_id" ON "sessions" ("user_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_sessions_handle" ON "sessions" ("handle") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "UQ_sessions_handle"`);
    await queryRunner.query(`DROP INDEX "IDX_sessions_user_id"`);
    await queryRunner.query(`DROP INDEX "IDX_sessions_expires_at"`);
    await queryRunner.query(`ALTER TABLE "sessions" RENAME TO "temporary_sessions"`);
    await queryRunner.query(
      `CREATE TABLE "sessions" ("id" varchar(128) PRIMARY KEY NOT NULL, "expires_at" bigint NOT NULL, "data" text NOT NULL)`,
    );
    await queryRunner.query(
      `INSERT INTO "sessions"("id", "expires_at", "data") SELECT "id", "expires_at", "data" FROM "temporary_sessions"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_sessions"`);
    await queryRunner.query(`CREATE INDEX "IDX_sessions_expires_at" ON "sessions" ("expires_at") `);
  }
}
