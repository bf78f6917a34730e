import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Passkeys: each account's WebAuthn credentials (id, public key, counter, transports), the name
 * its owner gave each, when it was made and last used; deleted with the account.
 */
export class Passkeys1796078425000 implements MigrationInterface {
  name = 'Passkeys1796078425000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "passkeys" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "user_id" integer NOT NULL, "credential_id" varchar(1400) NOT NULL, "public_key" text NOT NULL, "counter" bigint NOT NULL DEFAULT (0), "transports" varchar(200) NOT NULL DEFAULT (''), "name" varchar(64) NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "last_used_at" datetime, CONSTRAINT "FK_passkeys_user_id" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_passkeys_user_id" ON "passkeys" ("user_id") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_passkeys_credential_id" ON "passkeys" ("credential_id") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "UQ_passkeys_credential_id"`);
    await queryRunner.query(`DROP INDEX "IDX_passkeys_user_id"`);
    await queryRunner.query(`DROP TABLE "passkeys"`);
  }
}
