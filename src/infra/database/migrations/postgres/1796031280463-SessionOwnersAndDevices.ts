import { MigrationInterface, QueryRunner } from 'typeorm';
import { BATCH_SIZE, newHandle, ownerOf } from '../session-owners';

/**
 * Sessions know their user and device: user_id, a public handle, created_at, last_seen_at, ip
 * and user_agent. The live signed-in sessions are kept, each with its user from its JSON, a
 * random handle, and now as its start and latest request (their real values were never
 * recorded; ip and user_agent stay empty). Expired and anonymous sessions are deleted: no
 * signed-out visitor has a session any more.
 */
export class SessionOwnersAndDevices1796031280463 implements MigrationInterface {
  name = 'SessionOwnersAndDevices1796031280463';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const now = Date.now();
    await queryRunner.query(`ALTER TABLE "sessions" ADD "user_id" integer`);
    await queryRunner.query(`ALTER TABLE "sessions" ADD "handle" character varying(32)`);
    await queryRunner.query(`ALTER TABLE "sessions" ADD "created_at" bigint`);
    await queryRunner.query(`ALTER TABLE "sessions" ADD "last_seen_at" bigint`);
    await queryRunner.query(`ALTER TABLE "sessions" ADD "ip" character varying(64)`);
    await queryRunner.query(`ALTER TABLE "sessions" ADD "user_agent" character varying(512)`);
    await queryRunner.query(`DELETE FROM "sessions" WHERE "expires_at" <= $1`, [now]);
    let after = '';
    for (;;) {
      const rows = (await queryRunner.query(
        `SELECT "id", "data" FROM "sessions" WHERE "id" > $1 ORDER BY "id" LIMIT $2`,
        [after, BATCH_SIZE],
      )) as { id: string; data: string }[];
      if (rows.length === 0) {
        break;
      }
      after = rows[rows.length - 1].id;
      const owned = rows.map((row) => ({ id: row.id, userId: ownerOf(row.data) }));
      const anonymous = owned.filter((row) => row.userId === null).map((row) => row.id);
      const signedIn = owned.filter((row) => row.userId !== null);
      if (anonymous.length > 0) {
        await queryRunner.query(`DELETE FROM "sessions" WHERE "id" = ANY($1)`, [anonymous]);
      }
      if (signedIn.length > 0) {
        await queryRunner.query(
          `UPDATE "sessions" SET "user_id" = v."user_id", "handle" = v."handle", "created_at" = $4, "last_seen_at" = $4
           FROM unnest($1::varchar[], $2::integer[], $3::varchar[]) AS v("id", "user_id", "handle")
           WHERE "sessions"."id" = v."id"`,
          [
            signedIn.map((row) => row.id),
            signedIn.map((row) => row.userId),
            signedIn.map(() => newHandle()),
            now,
          ],
        );
      }
    }
    await queryRunner.query(`ALTER TABLE "sessions" ALTER COLUMN "handle" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "sessions" ALTER COLUMN "created_at" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "sessions" ALTER COLUMN "last_seen_at" SET NOT NULL`);
    await queryRunner.query(`CREATE INDEX "IDX_sessions_user_id" ON "sessions" ("user_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_sessions_handle" ON "sessions" ("handle") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."UQ_sessions_handle"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_sessions_user_id"`);
    await queryRunner.query(`ALTER TABLE "sessions" DROP COLUMN "user_agent"`);
    await queryRunner.query(`ALTER TABLE "sessions" DROP COLUMN "ip"`);
    await queryRunner.query(`ALTER TABLE "sessions" DROP COLUMN "last_seen_at"`);
    await queryRunner.query(`ALTER TABLE "sessions" DROP COLUMN "created_at"`);
    await queryRunner.query(`ALTER TABLE "sessions" DROP COLUMN "handle"`);
    await queryRunner.query(`ALTER TABLE "sessions" DROP COLUMN "user_id"`);
  }
}
