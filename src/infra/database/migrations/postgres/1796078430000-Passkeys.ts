import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Passkeys: each account's WebAuthn credentials (id, public key, counter, transports), the name
 * its owner gave each, when it was made and last used; deleted with the account.
 */
export class Passkeys1796078430000 implements MigrationInterface {
  name = 'Passkeys1796078430000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "passkeys" ("id" SERIAL NOT NULL, "user_id" integer NOT NULL, "credential_id" character varying(1400) NOT NULL, "public_key" text NOT NULL, "counter" bigint NOT NULL DEFAULT '0', "transports" character varying(200) NOT NULL DEFAULT '', "name" character varying(64) NOT NULL, "created_at" TIMESTAMP NOT NULL DEFAULT now(), "last_used_at" TIMESTAMP, CONSTRAINT "PK_db928e6fd79e7098911268a74c3" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_passkeys_user_id" ON "passkeys" ("user_id") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_passkeys_credential_id" ON "passkeys" ("credential_id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "passkeys" ADD CONSTRAINT "FK_passkeys_user_id" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "passkeys" DROP CONSTRAINT "FK_passkeys_user_id"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_passkeys_credential_id"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_passkeys_user_id"`);
    await queryRunner.query(`DROP TABLE "passkeys"`);
  }
}
